/**
 * Query option factories shared by useQuery, the server prefetch and the
 * stream's cache writes. Each takes the Fetcher so the server can call the API
 * directly while the browser uses relative paths through the web origin.
 */
import { queryOptions } from "@tanstack/react-query";
import { browserFetch, type Fetcher } from "./http";

export const queryKeys = {
  summary: ["dashboard", "summary"] as const,
  timeline: (cursor: string | null) => ["dashboard", "timeline", cursor ?? "head"] as const,
  series: (p: SeriesParams) => ["dashboard", "series", p] as const,
  me: ["auth", "me"] as const,
};

export const TIMELINE_LIMIT = 50;

export function summaryQuery(fetcher: Fetcher = browserFetch) {
  return queryOptions({
    queryKey: queryKeys.summary,
    queryFn: () => fetcher("/api/v1/dashboard/summary", "zSummary"),
  });
}

export function timelineQuery(cursor: string | null = null, fetcher: Fetcher = browserFetch) {
  const qs = new URLSearchParams({ limit: String(TIMELINE_LIMIT) });
  if (cursor) qs.set("before", cursor);
  return queryOptions({
    queryKey: queryKeys.timeline(cursor),
    queryFn: () => fetcher(`/api/v1/dashboard/timeline?${qs}`, "zTimelinePage"),
  });
}

export type SeriesParams = { source: string; metric: string; from: string; to: string; points: number };

export function seriesQuery(params: SeriesParams, fetcher: Fetcher = browserFetch) {
  const qs = new URLSearchParams({ ...params, points: String(params.points) });
  return queryOptions({
    queryKey: queryKeys.series(params),
    queryFn: () => fetcher(`/api/v1/dashboard/series?${qs}`, "zSeries"),
    staleTime: 30_000,
  });
}

export function meQuery(fetcher: Fetcher = browserFetch) {
  return queryOptions({
    queryKey: queryKeys.me,
    queryFn: () => fetcher("/auth/me", "zMe"),
    staleTime: 30_000,
  });
}
