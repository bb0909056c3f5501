"use client";
/** One metric in the signals grid: value + unit, sparkline with its range, threshold line when crossed. */
import type { MetricSummary, SourceClock } from "@chiron/api-client";
import { levelColor, levelToSeverity, SeverityIcon, TelemetrySparkline } from "@chiron/ui";
import { memo } from "react";
import { ageShort } from "@/lib/format";
import { useElementWidth } from "@/lib/use-element-width";
import { metricFormatter } from "./metric-format";
import styles from "./metrics.module.css";
import { SkewBadge } from "./SkewBadge";

type Point = MetricSummary["sparkline"][number];
const getX = (p: Point) => Date.parse(p.ts);
const getY = (p: Point) => p.value;
const getMin = (p: Point) => p.min;
const getMax = (p: Point) => p.max;

/** Memoised on its props: the stream replaces a metric object only when that series got samples. */
export const SignalCell = memo(function SignalCell({
  metric: m,
  title,
  stale,
  now,
  skew,
}: {
  metric: MetricSummary;
  title: string;
  stale: boolean;
  now: number;
  skew?: SourceClock | undefined;
}) {
  const [ref, width] = useElementWidth<HTMLDivElement>(180);
  const fmt = metricFormatter(m.unit, m.value);
  const alert = !stale && m.severity !== "ok";
  const color = levelColor(m.severity, stale);
  // The window's range is the envelope's (each bucket's min / max), and includes the reading shown.
  const lows = [...m.sparkline.map(getMin), m.value];
  const highs = [...m.sparkline.map(getMax), m.value];
  const threshold = alert ? (m.severity === "critical" ? m.critical : m.warn) : null;
  const lastSeen = m.last_seen_at ? Date.parse(m.last_seen_at) : null;
  return (
    <div
      className={styles.signal}
      data-stale={stale || undefined}
      data-level={m.severity}
      data-series={`${m.source}/${m.metric}`}
      tabIndex={0}
      role="group"
      aria-label={`${title}, ${m.source}${stale ? ", stale" : ""}`}
    >
      <div className={styles.signalHead}>
        <h4 className={styles.signalTitle} title={title}>
          <span className={styles.signalName}>{title}</span>
          {alert ? <SeverityIcon severity={levelToSeverity[m.severity]} size={14} title={m.severity === "critical" ? "critical" : "warning"} /> : null}
          {stale ? (
            <span className={`${styles.staleTag} mono`}>
              <SeverityIcon severity="stale" size={12} color="currentColor" title="stale" />
              {lastSeen ? ageShort(now - lastSeen) : ""}
            </span>
          ) : null}
          <SkewBadge clock={skew} />
        </h4>
        <p className={styles.signalValue} style={alert ? { color } : undefined}>
          <strong>{m.value === null ? "—" : fmt(m.value)}</strong>
          {m.unit ? <span className={styles.signalUnit}>{m.unit}</span> : null}
        </p>
      </div>
      <div className={styles.signalChart}>
        <div ref={ref} className={styles.sparkBox}>
          <TelemetrySparkline
            data={m.sparkline}
            getX={getX}
            getY={getY}
            getMin={getMin}
            getMax={getMax}
            latest={m.value}
            width={width}
            height={34}
            label={`${title} (${m.source} · ${m.metric})`}
            unit={m.unit}
            color={color}
            threshold={threshold}
            stale={stale}
            formatValue={fmt}
          />
        </div>
        {m.sparkline.length ? (
          <div className={styles.range} aria-hidden>
            <span>{fmt(Math.max(...highs))}</span>
            <span>{fmt(Math.min(...lows))}</span>
          </div>
        ) : null}
      </div>
    </div>
  );
});
