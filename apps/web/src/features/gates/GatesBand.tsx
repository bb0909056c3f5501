"use client";
/** The hero band: every gate as a large card, with the go / hold / no-go / stale tally. */
import type { Gate, MetricSummary } from "@chiron/api-client";
import { SeverityIcon, type Severity } from "@chiron/ui";
import { memo, type CSSProperties } from "react";
import { GateCard } from "./GateCard";
import type { GateView } from "./gate-view";
import styles from "./gates.module.css";

export type GatesBandProps = {
  gates: { gate: Gate; view: GateView }[];
  metrics: MetricSummary[];
  now: number;
};

const ORDER: Severity[] = ["no-go", "hold", "go", "stale"];
const WORD: Record<Severity, string> = { "no-go": "NO-GO", hold: "HOLD", go: "GO", stale: "STALE" };

/** Memoised, like the other bands: the dashboard hands it deferred data (see Dashboard.tsx). */
export const GatesBand = memo(function GatesBand({ gates, metrics, now }: GatesBandProps) {
  const tally = Object.fromEntries(ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  for (const { view } of gates) tally[view.severity] += 1;
  const spark = (g: Gate) => metrics.find((m) => m.source === g.source && m.metric === g.metric)?.sparkline;
  return (
    <section className={styles.section} aria-labelledby="gates-heading">
      <div className={styles.bandHead}>
        <h2 id="gates-heading" className="section-label">
          Gates
        </h2>
        <span className="section-meta">{gates.length} checkpoints · evaluated on every sample</span>
        <ul className={styles.tally} aria-label="Gate totals">
          {ORDER.filter((s) => s !== "stale" || tally.stale > 0).map((s) => (
            <li key={s} data-severity={s} data-zero={tally[s] === 0 || undefined}>
              <SeverityIcon severity={s} size={14} />
              <strong>{tally[s]}</strong> {WORD[s]}
            </li>
          ))}
        </ul>
      </div>
      <div className={styles.grid} style={{ "--cols": Math.min(Math.max(gates.length, 1), 8) } as CSSProperties}>
        {gates.map(({ gate, view }) => (
          <GateCard key={gate.slug} gate={gate} view={view} now={now} sparkline={spark(gate)} />
        ))}
      </div>
    </section>
  );
});
