/**
 * Query factories for looking back: gates as of an instant (`GET /gates?at=`), timeline pages
 * for a range and filters (cursor paging), and series over a range. Shared by the server
 * prefetch (page.tsx) and the browser, like lib/queries.ts.
 */
import type { TimelineListData } from "@chiron/api-client";
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { browserApi, type ApiSource } from "@/lib/api-loader";
import { TIMELINE_LIMIT } from "@/lib/queries";
import { iso } from "./url-write";

const body = <T>(call: Promise<{ data: T }>): Promise<T> => call.then((r) => r.data);

export type TimelineFilter = Omit<NonNullable<TimelineListData["query"]>, "limit" | "before" | "format">;

export const conductorKeys = {
  gatesAt: (at: number) => ["gates", "at", at] as const,
  timelinePages: (filter: TimelineFilter, after: string | null) => ["dashboard", "timeline", "pages", filter, after] as const,
};

export function gatesAtQuery(at: number, api: ApiSource = browserApi) {
  return queryOptions({
    queryKey: conductorKeys.gatesAt(at),
    queryFn: async ({ signal }) => {
      const { sdk, client } = await api();
      return body(sdk.gatesList({ client, signal, query: { at: iso(at) }, throwOnError: true }));
    },
    // The past does not change: a range end's gates are read once.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * Timeline pages, newest first, for `filter`, starting `after` a cursor (the live head page's
 * `next_cursor`, when the newest page is the stream-fed one) or from the newest event.
 */
export function timelinePagesQuery(filter: TimelineFilter, after: string | null, api: ApiSource = browserApi) {
  return infiniteQueryOptions({
    queryKey: conductorKeys.timelinePages(filter, after),
    initialPageParam: after,
    queryFn: async ({ signal, pageParam }) => {
      const { sdk, client } = await api();
      const query = { ...filter, limit: TIMELINE_LIMIT, ...(pageParam ? { before: pageParam } : {}) };
      return body(sdk.timelineList({ client, signal, query, throwOnError: true }));
    },
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** A CSV download link for the API's export (`format=csv`), through the same-origin proxy. */
export function csvHref(path: "/api/v1/dashboard/timeline" | "/api/v1/dashboard/series", params: Record<string, string | number | readonly string[] | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v == null || v === "") continue;
    for (const one of typeof v === "string" || typeof v === "number" ? [v] : v) q.append(k, String(one));
  }
  q.set("format", "csv");
  return `${path}?${q.toString()}`;
}
