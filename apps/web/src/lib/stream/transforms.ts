/**
 * Pure cache transforms for stream events. Values are never averaged: an
 * operator must see the real reading. Smoothing is temporal (bursts are
 * coalesced into one cache write per window, see sample-buffer.ts) and visual
 * (the charts animate between states).
 */
import type { Gate, MetricState, MetricSummary, StreamSample, Summary, TimelineEventOut, TimelinePage } from "@chiron/api-client";
import { liveMetricState } from "./live-metric";

/** The summary's sparkline: 10 s buckets (the contract), at most 60 of them, i.e. a 10 minute window. */
export const SPARK_BUCKET_MS = 10_000;
export const SPARKLINE_POINTS = 60;
export const SPARK_WINDOW_MS = SPARK_BUCKET_MS * SPARKLINE_POINTS;
export const TIMELINE_CACHE_LIMIT = 200;
/**
 * Placeholder for a series the snapshot did not know, until the summary it triggers (see
 * cache-sink.ts) brings the server's value. Nothing in the web derives staleness from it: the
 * server marks a metric stale and says so on the stream.
 */
const UNKNOWN_STALE_AFTER_S = 30;

const keyOf = (m: { source: string; metric: string }) => `${m.source}\u0000${m.metric}`;
const ms = (iso: string) => Date.parse(iso);

type SparkPoint = MetricSummary["sparkline"][number];

/**
 * Merges live samples into each metric's window of buckets and updates latest values.
 * A sample lands in its 10 s bucket (widening the bucket's min / max, so a spike is never lost);
 * the newest reading also sets the bucket's value, so the line ends where the metric's value is.
 * The window keeps its length (buckets older than it drop off), never "the last N raw points".
 */
export function applySamples(summary: Summary, samples: readonly StreamSample[], maxPoints = SPARKLINE_POINTS, bucketMs = SPARK_BUCKET_MS): Summary {
  if (samples.length === 0) return summary;
  const bySeries = new Map<string, StreamSample[]>();
  for (const s of samples) {
    const list = bySeries.get(keyOf(s));
    if (list) list.push(s);
    else bySeries.set(keyOf(s), [s]);
  }

  const metrics: MetricSummary[] = summary.metrics.map((m) => {
    const incoming = bySeries.get(keyOf(m));
    if (!incoming) return m;
    bySeries.delete(keyOf(m));
    return mergeMetric(m, incoming, maxPoints, bucketMs);
  });
  // Metrics the snapshot did not know yet (a new device came online): drawn from what arrived,
  // until the summary this triggers (cache-sink.ts) brings the server's view of them.
  for (const incoming of bySeries.values()) {
    const first = incoming[0]!;
    const blank: MetricSummary = {
      ...first,
      unit: first.unit ?? null,
      stale: false,
      last_seen_at: first.ts,
      stale_after_s: UNKNOWN_STALE_AFTER_S,
      warn: null,
      critical: null,
      direction: null,
      sparkline: [],
    };
    metrics.push(mergeMetric(blank, incoming, maxPoints, bucketMs));
  }

  const latest = new Map(metrics.map((m) => [keyOf(m), m]));
  const gates = summary.gates.map((g) => {
    const m = latest.get(keyOf(g));
    if (!m || m.value === null || m.last_seen_at === g.last_seen_at) return g;
    return { ...g, value: m.value, last_seen_at: m.last_seen_at };
  });

  return {
    ...summary,
    metrics,
    gates,
    counts: { ...summary.counts, samples_total: summary.counts.samples_total + samples.length },
  };
}

function mergeMetric(m: MetricSummary, incoming: readonly StreamSample[], maxPoints: number, bucketMs: number): MetricSummary {
  const bucketOf = (t: number) => Math.floor(t / bucketMs) * bucketMs;
  const buckets = new Map<number, SparkPoint>();
  for (const p of m.sparkline) {
    // The server's points are bucket starts already; a snapshot's lone fallback point (a series
    // with no rollup yet) is put on its bucket too.
    const b = bucketOf(ms(p.ts));
    const was = buckets.get(b);
    buckets.set(b, was ? { ...was, value: p.value, min: Math.min(was.min, p.min), max: Math.max(was.max, p.max) } : { ...p, ts: new Date(b).toISOString() });
  }
  // The newest reading: the latest device time; within one time (or samples sent without one,
  // which the server stamps in batch order) the last one sent.
  let newest: StreamSample | null = null;
  let newestT = ms(m.ts);
  for (const s of incoming) {
    const t = ms(s.ts);
    const b = bucketOf(t);
    const was = buckets.get(b);
    // Newer than the reading on screen (a replay of that very reading is not), or, within this
    // batch, at least as new as the newest so far (the last one sent wins).
    const isNewest = newest ? t >= newestT : t > newestT;
    if (isNewest) {
      newest = s;
      newestT = t;
    }
    buckets.set(
      b,
      was
        ? { ts: was.ts, value: isNewest ? s.value : was.value, min: Math.min(was.min, s.value), max: Math.max(was.max, s.value) }
        : { ts: new Date(b).toISOString(), value: s.value, min: s.value, max: s.value },
    );
  }
  const ordered = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const end = ordered.at(-1)?.[0] ?? 0;
  const sparkline = ordered.filter(([b]) => b > end - maxPoints * bucketMs).slice(-maxPoints).map(([, p]) => p);
  // Only late or replayed readings: the window may widen, the latest value stays.
  if (!newest) return { ...m, sparkline };
  return {
    ...m,
    sparkline,
    value: newest.value,
    ts: newest.ts,
    unit: newest.unit ?? m.unit,
    last_seen_at: newest.ts,
    ...liveMetricState(newest),
  };
}

/**
 * A series' freshness as the server decided it (the staleness sweep: stale; ingest: fresh again).
 * Returns the summary unchanged when it does not know the series (the caller refetches it).
 */
export function applyMetricState(summary: Summary, state: MetricState): Summary {
  const i = summary.metrics.findIndex((m) => m.source === state.source && m.metric === state.metric);
  if (i < 0) return summary;
  const m = summary.metrics[i]!;
  // A fresh event older than a reading already applied must not move last_seen_at back.
  const lastSeen = !state.stale && ms(m.last_seen_at) > ms(state.last_seen_at) ? m.last_seen_at : state.last_seen_at;
  const metrics = [...summary.metrics];
  metrics[i] = { ...m, stale: state.stale, last_seen_at: lastSeen, stale_after_s: state.stale_after_s };
  return { ...summary, metrics };
}

/** Replaces (or inserts) a gate and recounts the go/hold/no-go totals. */
export function applyGate(summary: Summary, gate: Gate): Summary {
  const exists = summary.gates.some((g) => g.slug === gate.slug);
  const gates = (exists ? summary.gates.map((g) => (g.slug === gate.slug ? gate : g)) : [...summary.gates, gate]).sort(
    (a, b) => a.position - b.position,
  );
  // The server's standing: a status counts only while its input is fresh.
  const counts = { go: 0, hold: 0, "no-go": 0, stale: 0, no_data: 0 };
  for (const g of gates) counts[g.no_data ? "no_data" : g.stale ? "stale" : g.status] += 1;
  return { ...summary, gates, counts: { ...summary.counts, gates: counts } };
}

/** Prepends a live event to the newest timeline page, once; an event heard again with new text
 * (an edited operator log entry keeps its id) replaces the one shown, in place. */
export function prependTimeline(page: TimelinePage, event: TimelineEventOut, limit = TIMELINE_CACHE_LIMIT): TimelinePage {
  const seen = page.items.find((e) => e.id === event.id);
  if (seen) {
    if (seen.title === event.title && seen.body === event.body) return page;
    return { ...page, items: page.items.map((e) => (e.id === event.id ? event : e)) };
  }
  return { ...page, items: [event, ...page.items].slice(0, limit) };
}

/** Orders bus ids of the form `<ms>-<seq>` (Redis Streams); falls back to string order. */
export function compareEventIds(a: string, b: string): number {
  const pa = /^(\d+)-(\d+)$/.exec(a);
  const pb = /^(\d+)-(\d+)$/.exec(b);
  if (pa && pb) {
    const d = Number(pa[1]) - Number(pb[1]);
    return d !== 0 ? Math.sign(d) : Math.sign(Number(pa[2]) - Number(pb[2]));
  }
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Math.sign(Number(a) - Number(b));
  return a < b ? -1 : a > b ? 1 : 0;
}
