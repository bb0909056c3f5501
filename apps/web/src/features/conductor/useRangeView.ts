"use client";
/**
 * The summary as the conductor's range shows it. Live: today's gates and readings, each metric's
 * history over the window (`/series` rollups, then the stream's 10 s buckets). Fixed: gates as
 * of the range end (`GET /gates?at=`), each metric's buckets over the range.
 */
import type { Gate, MetricSummary, Series, Summary } from "@chiron/api-client";
import { keepPreviousData, useQueries, useQuery, type QueryObserverResult } from "@tanstack/react-query";
import { useMemo } from "react";
import { seriesQuery } from "@/lib/queries";
import type { TimeRange } from "./conductor-state";
import { gatesAtQuery } from "./conductor-queries";
import { fixedHistory, liveHistory } from "./range-data";
import { iso } from "./url-write";

/** Buckets per metric: the signal cells and gate cards are 150–260 px wide (about 2 px a bucket). */
export const RANGE_POINTS = 120;
/** A live window's history is read again each minute; the stream draws the newest 10 minutes. */
const LIVE_STEP_MS = 60_000;

const keyOf = (x: { source: string; metric: string }) => `${x.source}\u0000${x.metric}`;
const combine = (results: QueryObserverResult<Series>[]) => results.map((r) => r.data);

// One derived metric per (metric, series, start): a stream flush that leaves a metric alone
// leaves its object alone, so its memoised cell is not redrawn.
const liveCache = new WeakMap<MetricSummary, { series: Series | undefined; from: number; out: MetricSummary }>();
function liveOf(m: MetricSummary, series: Series | undefined, from: number): MetricSummary {
  const hit = liveCache.get(m);
  if (hit && hit.series === series && hit.from === from) return hit.out;
  const out = liveHistory(m, series, from);
  liveCache.set(m, { series, from, out });
  return out;
}

export type RangeView = {
  /** The summary with the range's gates and metrics (counts and sources stay today's). */
  data: Summary | undefined;
  /** Fixed: the gates as of the range end are still loading. */
  loading: boolean;
  /** The instant the gate cards and stale ages are told at. */
  at: number;
};

export function useRangeView(summary: Summary | undefined, range: TimeRange, now: number): RangeView {
  const fixed = range.mode === "fixed";
  const from = fixed ? range.from : Math.floor(range.from / LIVE_STEP_MS) * LIVE_STEP_MS;
  const metrics = summary?.metrics;
  const series = useQueries({
    queries: (metrics ?? []).map((m) => ({
      ...seriesQuery({
        source: m.source,
        metric: m.metric,
        from: iso(from),
        ...(fixed ? { to: iso(range.to) } : {}),
        points: RANGE_POINTS,
      }),
      placeholderData: keepPreviousData,
      ...(fixed ? { staleTime: Number.POSITIVE_INFINITY } : {}),
    })),
    combine,
  });
  const gatesAt = useQuery({ ...gatesAtQuery(range.to), enabled: fixed });

  const data = useMemo(() => {
    if (!summary) return summary;
    if (!fixed) {
      const ms = summary.metrics.map((m, i) => liveOf(m, series[i], from));
      return ms.every((m, i) => m === summary.metrics[i]) ? summary : { ...summary, metrics: ms };
    }
    const gates: Gate[] = gatesAt.data?.items ?? summary.gates;
    const byKey = new Map(gates.map((g) => [keyOf(g), g]));
    return { ...summary, gates, metrics: summary.metrics.map((m, i) => fixedHistory(m, series[i], byKey.get(keyOf(m)))) };
  }, [summary, fixed, series, from, gatesAt.data]);

  return { data, loading: fixed && !gatesAt.data, at: fixed ? range.to : now };
}
