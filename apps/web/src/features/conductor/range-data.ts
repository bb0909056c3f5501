/**
 * What the bands draw for a range, from what the server answered: pure, tested without a browser.
 * Live: each metric's history over the window is `/series` (rollups, min–max per bucket) before
 * the summary's own 10 s buckets, which the stream keeps moving. Fixed: `/series` over the range
 * only, and the reading and level as of the range end.
 */
import type { Gate, MetricSummary, Series } from "@chiron/api-client";

type SparkPoint = MetricSummary["sparkline"][number];

const toSpark = (p: Series["points"][number]): SparkPoint => ({ ts: p.ts, value: p.mean, min: p.min, max: p.max });

/** A gate's status as the metric level the server uses for the same lines. */
const LEVEL: Record<Gate["status"], MetricSummary["severity"]> = { go: "ok", hold: "warn", "no-go": "critical" };

/**
 * Live: the window's rollups that end by the first live bucket, then the live buckets, within
 * the window. A rollup overlapping the live buckets is left out: its readings are in them.
 */
export function liveHistory(m: MetricSummary, series: Series | undefined, from: number): MetricSummary {
  if (!series) return m;
  const firstLive = m.sparkline.length ? Date.parse(m.sparkline[0]!.ts) : Number.POSITIVE_INFINITY;
  const span = series.bucket_seconds * 1000;
  const older = series.points.filter((p) => {
    const t = Date.parse(p.ts);
    return t >= from && t + span <= firstLive;
  });
  if (older.length === 0) return m;
  return { ...m, sparkline: [...older.map(toSpark), ...m.sparkline.filter((p) => Date.parse(p.ts) >= from)] };
}

/**
 * Fixed: the range's buckets; the value is the last bucket's mean (what was read last in the
 * range, as the chart shows it), and the level is the gate's as of the range end when a gate
 * watches the series (the server's word from its transitions), else "ok": Chiron records levels
 * only through gates.
 */
export function fixedHistory(m: MetricSummary, series: Series | undefined, gateAt: Gate | undefined): MetricSummary {
  const points = series?.points ?? [];
  const last = points.at(-1);
  return {
    ...m,
    sparkline: points.map(toSpark),
    value: last ? last.mean : m.value,
    ts: last ? last.ts : m.ts,
    severity: gateAt ? LEVEL[gateAt.status] : "ok",
    stale: gateAt?.stale ?? false,
  };
}

/** Buckets for a chart `px` wide: about one per 2 px, within what `/series` serves (1–2000). */
export function pointsFor(px: number): number {
  return Math.max(20, Math.min(2000, Math.round(px / 2 / 10) * 10));
}
