/**
 * Query option factories shared by useQuery, the server prefetch and the stream's cache writes.
 * Each calls the generated SDK through an ApiSource: the browser's (relative paths, lazily
 * loaded) by default, or a server request's (CHIRON_API_URL with the session as a bearer token,
 * server-api.ts). The keys are ours, not the generator's: its keys embed the client's base URL,
 * which differs between the server that prefetches and the browser that hydrates, and the stream
 * patches these entries by key (stream/cache-sink.ts).
 */
import type { DashboardGetSeriesData } from "@chiron/api-client";
import { queryOptions } from "@tanstack/react-query";
import { browserApi, type ApiSource } from "./api-loader";

export const queryKeys = {
  summary: ["dashboard", "summary"] as const,
  timeline: (cursor: string | null) => ["dashboard", "timeline", cursor ?? "head"] as const,
  series: (p: SeriesParams) => ["dashboard", "series", p] as const,
  me: ["auth", "me"] as const,
  /** Every poll list (open and closed): a `poll` stream event refreshes them all. */
  polls: ["polls"] as const,
  openPolls: ["polls", "open"] as const,
  closedPolls: ["polls", "closed"] as const,
  /** Every operator log query: a `log` stream event (an entry written or edited) refreshes them. */
  log: ["log"] as const,
};

export const TIMELINE_LIMIT = 50;

/** The body of a successful SDK call (`throwOnError` turns every failure into a rejection). */
const body = <T>(call: Promise<{ data: T }>): Promise<T> => call.then((r) => r.data);

export function summaryQuery(api: ApiSource = browserApi) {
  return queryOptions({
    queryKey: queryKeys.summary,
    queryFn: async ({ signal }) => {
      const { sdk, client } = await api();
      return body(sdk.dashboardGetSummary({ client, signal, throwOnError: true }));
    },
  });
}

export function timelineQuery(cursor: string | null = null, api: ApiSource = browserApi) {
  return queryOptions({
    queryKey: queryKeys.timeline(cursor),
    queryFn: async ({ signal }) => {
      const { sdk, client } = await api();
      const query = { limit: TIMELINE_LIMIT, ...(cursor ? { before: cursor } : {}) };
      return body(sdk.timelineList({ client, signal, query, throwOnError: true }));
    },
  });
}

export type SeriesParams = DashboardGetSeriesData["query"];

export function seriesQuery(params: SeriesParams, api: ApiSource = browserApi) {
  return queryOptions({
    queryKey: queryKeys.series(params),
    queryFn: async ({ signal }) => {
      const { sdk, client } = await api();
      return body(sdk.dashboardGetSeries({ client, signal, query: params, throwOnError: true }));
    },
    staleTime: 30_000,
  });
}

export function meQuery(api: ApiSource = browserApi) {
  return queryOptions({
    queryKey: queryKeys.me,
    queryFn: async ({ signal }) => {
      const { sdk, client } = await api();
      return body(sdk.authMe({ client, signal, throwOnError: true }));
    },
    staleTime: 30_000,
  });
}
