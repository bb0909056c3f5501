"use client";
/** Radial gauges for the gated metrics, each with its thresholds and trend beside it. */
import type { MetricSummary } from "@chiron/api-client";
import { levelToSeverity, levelWord, SeverityBadge, TelemetryRadialGauge } from "@chiron/ui";
import { memo, useEffect, useRef, useState } from "react";
import { ageShort, hhmm } from "@/lib/format";
import { gaugeRange, metricFormatter, thresholdSymbol, trendPerMinute } from "./metric-format";
import styles from "./metrics.module.css";

/** Columns so that rows are even and never wider than `max` (7 gauges -> 4 + 3, 12 -> 6 + 6). */
export function balancedColumns(n: number, max: number): number {
  if (n <= 0) return 1;
  return Math.ceil(n / Math.ceil(n / max));
}

export type KeyMetric = { metric: MetricSummary; title: string; stale: boolean };

function Trend({ m }: { m: MetricSummary }) {
  const t = trendPerMinute(m);
  if (t === null) return null;
  const fmt = metricFormatter(m.unit, Math.abs(t) < 1 ? 0.5 : t);
  const arrow = Math.abs(t) < 1e-9 ? "→" : t > 0 ? "↑" : "↓";
  return (
    <li className={styles.trend}>
      <span aria-hidden>{arrow}</span> {fmt(Math.abs(t))} {m.unit ?? ""}/min
      <span className="chiron-sr-only">{t >= 0 ? " rising" : " falling"}</span>
    </li>
  );
}

/** One gauge with its thresholds; memoised, so only gauges whose metric changed are redrawn. */
const KeyMetricCell = memo(function KeyMetricCell({ metric: m, title, stale, now }: KeyMetric & { now: number }) {
  const { min, max } = gaugeRange(m);
  const fmt = metricFormatter(m.unit, m.value);
  const sym = thresholdSymbol(m.direction);
  const lastSeen = m.last_seen_at ? Date.parse(m.last_seen_at) : null;
  return (
    <div
      className={styles.keyCell}
      data-stale={stale || undefined}
      data-series={`${m.source}/${m.metric}`}
      tabIndex={0}
      role="group"
      aria-label={`${title}, ${m.source}${stale ? ", stale" : ""}`}
    >
      <TelemetryRadialGauge
        value={m.value}
        min={min}
        max={max}
        warn={m.warn}
        critical={m.critical}
        direction={m.direction ?? "above"}
        unit={m.unit}
        label={title}
        level={m.severity}
        stale={stale}
        size={84}
        showSeverity={false}
        formatValue={fmt}
      />
      <div className={styles.keyInfo}>
        <h3 className={styles.keyTitle} title={title}>
          {title}
        </h3>
        <p className={`${styles.keyKey} mono`}>{m.metric}</p>
        <SeverityBadge
          severity={stale ? "stale" : levelToSeverity[m.severity]}
          word={stale ? `STALE${lastSeen ? ` · ${ageShort(now - lastSeen)}` : ""}` : levelWord[m.severity]}
          className={styles.keyBadge}
          style={stale ? { color: "var(--c-text)" } : undefined}
        />
        <ul className={styles.thresholds}>
          {m.warn != null ? (
            <li>
              <span className={styles.dash} data-level="warn" aria-hidden /> warn {sym} {fmt(m.warn)}
            </li>
          ) : null}
          {m.critical != null ? (
            <li>
              <span className={styles.dash} data-level="critical" aria-hidden /> crit {sym} {fmt(m.critical)}
            </li>
          ) : null}
          {stale && lastSeen ? (
            <li className={styles.trend}>silent since {hhmm(lastSeen)}</li>
          ) : (
            <Trend m={m} />
          )}
        </ul>
      </div>
    </div>
  );
});

/**
 * How many of a scrolling panel's cells are not wholly in view: the panel says "+N more" rather
 * than let a cut-off row pass for the whole set (issue 20).
 */
function useUnseen(cells: string) {
  const ref = useRef<HTMLDivElement>(null);
  const [unseen, setUnseen] = useState(0);
  useEffect(() => {
    const root = ref.current;
    if (!root || !self.IntersectionObserver) return;
    const seen = new Map<Element, boolean>();
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) seen.set(e.target, e.intersectionRatio > 0.96);
        setUnseen([...seen.values()].filter((v) => !v).length);
      },
      { root, threshold: 0.97 },
    );
    for (const cell of root.children) io.observe(cell);
    return () => io.disconnect();
  }, [cells]);
  return [ref, unseen] as const;
}

export const KeyMetrics = memo(function KeyMetrics({ items, now, subtitle }: { items: KeyMetric[]; now: number; subtitle: string }) {
  const [ref, unseen] = useUnseen(items.map((i) => i.metric.source + "/" + i.metric.metric).join(" "));
  return (
    <section className={`panel ${styles.keyPanel}`} aria-labelledby="key-metrics-heading">
      <div className="panel-head">
        <h2 id="key-metrics-heading" className="section-label">
          Key metrics
        </h2>
        <span className="section-meta">{subtitle}</span>
        {unseen ? <span className="section-meta">+{unseen} more</span> : null}
      </div>
      <div ref={ref} className={`${styles.keyGrid} ${styles.keyScroll}`}>
        {items.map(({ metric, title, stale }) => (
          // `now` only matters to a stale gauge (its age): a live one is not redrawn by the clock.
          <KeyMetricCell key={`${metric.source}/${metric.metric}`} metric={metric} title={title} stale={stale} now={stale ? now : 0} />
        ))}
      </div>
    </section>
  );
});
