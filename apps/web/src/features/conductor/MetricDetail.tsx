"use client";
/**
 * A metric over the conductor's range, large (loaded on demand, ConductedDashboard.tsx): the
 * min–max band, the mean, the server's warn / critical lines, the range's events as markers and
 * a read-out; a text summary and a table for screen readers and keyboards; the buckets as CSV.
 * A modal <dialog>: the browser traps focus in it, Escape closes it, focus returns to the metric.
 */
import type { MetricSummary, SeriesPoint, TimelineEventOut } from "@chiron/api-client";
import { RangeChart, type RangeChartMarker } from "@chiron/ui";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";
import { seriesQuery } from "@/lib/queries";
import { useElementWidth } from "@/lib/use-element-width";
import { metricFormatter, thresholdSymbol } from "../metrics/metric-format";
import { metricTitle } from "../metrics/metric-titles";
import { colorOf } from "../timeline/event-style";
import type { TimeRange } from "./conductor-state";
import { csvHref } from "./conductor-queries";
import { pointsFor } from "./range-data";
import { iso } from "./url-write";
import styles from "./metric-detail.module.css";

export type MetricDetailProps = {
  metric: MetricSummary;
  range: TimeRange;
  rangeLabel: string;
  events: readonly TimelineEventOut[];
  /** Gate slugs watching this series: their events are this metric's too. */
  gates: readonly string[];
  onClose: () => void;
};

const getX = (p: SeriesPoint) => Date.parse(p.ts);
const getY = (p: SeriesPoint) => p.mean;
const getMin = (p: SeriesPoint) => p.min;
const getMax = (p: SeriesPoint) => p.max;
const stamp = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

export default function MetricDetail({ metric: m, range, rangeLabel, events, gates, onClose }: MetricDetailProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [box, width] = useElementWidth<HTMLDivElement>(900);
  // Live, the range moves every second: the detail reads it to the minute (and again each minute).
  const from = range.mode === "fixed" ? range.from : Math.floor(range.from / 60_000) * 60_000;
  const to = range.mode === "fixed" ? range.to : Math.ceil(range.to / 60_000) * 60_000;
  const params = { source: m.source, metric: m.metric, from: iso(from), to: iso(to), points: pointsFor(width) };
  const series = useQuery({ ...seriesQuery(params), placeholderData: keepPreviousData });
  const points = useMemo(() => series.data?.points ?? [], [series.data]);
  const fmt = metricFormatter(m.unit, m.value);
  const unit = m.unit ? ` ${m.unit}` : "";
  const title = metricTitle(m.metric);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const markers: RangeChartMarker[] = useMemo(
    () =>
      events
        .filter((e) => e.source === m.source || (e.gate_slug !== null && e.gate_slug !== undefined && gates.includes(e.gate_slug)))
        .map((e) => ({ key: String(e.id), t: Date.parse(e.ts), label: `${stamp(Date.parse(e.ts))} ${e.title}`, color: colorOf(e) })),
    [events, m.source, gates],
  );
  const summary = useMemo(() => {
    if (!points.length) return series.isPending ? "Loading the range…" : "No readings in this range.";
    const lo = Math.min(...points.map(getMin));
    const hi = Math.max(...points.map(getMax));
    const n = points.reduce((s, p) => s + p.count, 0);
    const mean = points.reduce((s, p) => s + p.mean * p.count, 0) / Math.max(1, n);
    const sym = thresholdSymbol(m.direction);
    const lines = [m.warn != null ? `warn ${sym} ${fmt(m.warn)}${unit}` : null, m.critical != null ? `critical ${sym} ${fmt(m.critical)}${unit}` : null].filter(Boolean);
    return `${rangeLabel}: ${n} readings in ${points.length} buckets of ${series.data?.bucket_seconds ?? "?"} s; min ${fmt(lo)}${unit}, max ${fmt(hi)}${unit}, mean ${fmt(mean)}${unit}${lines.length ? `; lines: ${lines.join(", ")}` : ""}; ${markers.length} events.`;
  }, [points, series.isPending, series.data?.bucket_seconds, m.direction, m.warn, m.critical, fmt, unit, rangeLabel, markers.length]);

  return (
    <dialog ref={dialog} className={styles.dialog} aria-labelledby="metric-detail-title" onClose={onClose} data-testid="metric-detail">
      <header className={styles.head}>
        <h2 id="metric-detail-title">
          {title} <span className="mono">{m.source} · {m.metric}</span>
        </h2>
        <a className={styles.csv} href={csvHref("/api/v1/dashboard/series", params)} download>
          Download CSV
        </a>
        <button type="button" className={styles.close} onClick={() => dialog.current?.close()} autoFocus>
          Close
        </button>
      </header>
      <p className={styles.summary} data-testid="metric-detail-summary">
        {summary}
      </p>
      <div ref={box} className={styles.chart}>
        <RangeChart
          data={points}
          getX={getX}
          getY={getY}
          getMin={getMin}
          getMax={getMax}
          from={from}
          to={to}
          width={width}
          height={320}
          label={`${title} (${m.source} · ${m.metric}), ${rangeLabel}: min–max band and mean`}
          warn={m.warn}
          critical={m.critical}
          markers={markers}
          formatValue={(v) => `${fmt(v)}${unit}`}
          formatTime={(t) => (to - from > 86_400_000 ? stamp(t).slice(5, 16) : stamp(t).slice(11))}
        />
      </div>
      <details className={styles.table}>
        <summary>Table of the {points.length} buckets</summary>
        <table>
          <caption className="chiron-sr-only">{title} per bucket, UTC</caption>
          <thead>
            <tr>
              <th scope="col">Bucket start (UTC)</th>
              <th scope="col">Min</th>
              <th scope="col">Mean</th>
              <th scope="col">Max</th>
              <th scope="col">Readings</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.ts}>
                <td className="mono">{stamp(getX(p))}</td>
                <td>{fmt(p.min)}</td>
                <td>{fmt(p.mean)}</td>
                <td>{fmt(p.max)}</td>
                <td>{p.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </dialog>
  );
}
