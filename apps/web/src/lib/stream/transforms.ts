/**
 * Pure cache transforms for stream events. Values are never averaged: an
 * operator must see the real reading. Smoothing is temporal (bursts are
 * coalesced into one cache write per window, see sample-buffer.ts) and visual
 * (the charts animate between states).
 */
import type { Gate, MetricSummary, StreamSample, Summary, TimelineEventOut, TimelinePage } from "@chiron/api-client";
import { liveMetricState } from "./live-metric";

export const SPARKLINE_POINTS = 60;
export const TIMELINE_CACHE_LIMIT = 200;
/**
 * Placeholder for a series the snapshot did not know, until the next summary brings the server's
 * value. Nothing in the web derives staleness from it (the server marks a metric stale).
 */
const UNKNOWN_STALE_AFTER_S = 30;

const keyOf = (m: { source: string; metric: string }) => `${m.source}\u0000${m.metric}`;
const ms = (iso: string) => Date.parse(iso);

/** Appends samples to each metric's sparkline (oldest first, capped) and updates latest values. */
export function applySamples(summary: Summary, samples: readonly StreamSample[], maxPoints = SPARKLINE_POINTS): Summary {
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
    return mergeMetric(m, incoming, maxPoints);
  });
  // Metrics the snapshot did not know yet (a new device came online).
  for (const incoming of bySeries.values()) {
    const first = incoming[0]!;
    const blank: MetricSummary = {
      source: first.source,
      metric: first.metric,
      unit: first.unit ?? null,
      value: first.value,
      ts: first.ts,
      severity: "ok",
      stale: false,
      last_seen_at: first.ts,
      stale_after_s: UNKNOWN_STALE_AFTER_S,
      warn: null,
      critical: null,
      direction: null,
      sparkline: [],
    };
    metrics.push(mergeMetric(blank, incoming, maxPoints));
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

function mergeMetric(m: MetricSummary, incoming: StreamSample[], maxPoints: number): MetricSummary {
  const known = new Set(m.sparkline.map((p) => ms(p.ts)));
  const points = [...m.sparkline];
  // Each new point remembers the reading it came from; within a batch the last one sent for a
  // time wins (a replayed point the snapshot already has is skipped).
  const arrived = new Map<number, { point: (typeof points)[number]; sample: StreamSample }>();
  for (const s of incoming) {
    const t = ms(s.ts);
    if (known.has(t)) continue;
    const point = { ts: s.ts, value: s.value, min: s.value, max: s.value };
    const previous = arrived.get(t);
    if (previous) points[points.indexOf(previous.point)] = point;
    else points.push(point);
    arrived.set(t, { point, sample: s });
  }
  points.sort((a, b) => ms(a.ts) - ms(b.ts));
  const sparkline = points.slice(-maxPoints);
  const last = sparkline.at(-1);
  const sample = last && arrived.get(ms(last.ts))?.sample;
  // The newest point is not a new reading (late samples, a replayed duplicate): only the line moves.
  if (!sample || (m.ts !== null && ms(sample.ts) < ms(m.ts))) return { ...m, sparkline };
  return {
    ...m,
    sparkline,
    value: sample.value,
    ts: sample.ts,
    unit: sample.unit ?? m.unit,
    last_seen_at: sample.ts,
    ...liveMetricState(sample),
  };
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
