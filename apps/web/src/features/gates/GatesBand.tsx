"use client";
/** The hero band: every gate as a large card, with the go / hold / no-go / stale tally. */
import type { Gate, MetricSummary } from "@chiron/api-client";
import { SeverityIcon, severityTokens } from "@chiron/ui";
import { memo, type CSSProperties } from "react";
import { GateCard } from "./GateCard";
import { balancedColumns } from "../metrics/KeyMetrics";
import { gateTally, TALLY_ORDER, type GateView } from "./gate-view";
import styles from "./gates.module.css";

export type GatesBandProps = {
  gates: { gate: Gate; view: GateView }[];
  metrics: MetricSummary[];
  now: number;
};

/** Memoised, like the other bands: the dashboard hands it deferred data (see Dashboard.tsx). */
export const GatesBand = memo(function GatesBand({ gates, metrics, now }: GatesBandProps) {
  const tally = gateTally(gates.map((g) => g.view));
  // Even rows (10 gates -> 5 + 5), at most 8 a row.
  const cols = balancedColumns(gates.length, 8);
  const rows = gates.length > cols || undefined;
  const spark = (g: Gate) => metrics.find((m) => m.source === g.source && m.metric === g.metric)?.sparkline;
  return (
    <section className={styles.section} aria-labelledby="gates-heading">
      <div className={styles.bandHead}>
        <h2 id="gates-heading" className="section-label">
          Gates
        </h2>
        <span className="section-meta">{gates.length} checkpoints · evaluated on every sample</span>
        <ul className={styles.tally} aria-label="Gate totals">
          {/* NO-GO, HOLD and GO always; STALE and NO DATA when there are some. */}
          {TALLY_ORDER.filter((s, i) => i < 3 || tally[s] > 0).map((s) => (
            <li key={s} data-severity={s} data-count={tally[s]} data-zero={tally[s] === 0 || undefined}>
              <SeverityIcon severity={s} size={14} />
              <strong>{tally[s]}</strong> {s === "no-data" ? "NO DATA" : severityTokens[s].word}
            </li>
          ))}
        </ul>
      </div>
      <div className={styles.grid} data-dense={cols >= 6 || rows} data-rows={rows} style={{ "--cols": cols } as CSSProperties}>
        {gates.map(({ gate, view }) => (
          <GateCard key={gate.slug} gate={gate} view={view} now={now} sparkline={spark(gate)} />
        ))}
      </div>
    </section>
  );
});
