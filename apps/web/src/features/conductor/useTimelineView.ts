"use client";
/**
 * The timeline's events for the range and filters, with "older" paging by cursor. Live and
 * unfiltered, the newest page is the stream-fed head (lib/queries.ts) and older pages continue
 * from its cursor; with a filter or a fixed range, pages come from the API's filters.
 */
import type { TimelineEventOut, TimelinePage } from "@chiron/api-client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { TimeRange } from "./conductor-state";
import { timelinePagesQuery, type TimelineFilter } from "./conductor-queries";
import { iso } from "./url-write";

export type TimelineFilters = { kind: string[]; severity: ("info" | "warning" | "critical")[]; gate: string; source: string; q: string };
export const NO_FILTERS: TimelineFilters = { kind: [], severity: [], gate: "", source: "", q: "" };

export const hasFilters = (f: TimelineFilters) => f.kind.length > 0 || f.severity.length > 0 || !!f.gate || !!f.source || !!f.q.trim();

/** The API query for the filters and range (empty filters are left out, never sent empty). */
export function timelineQueryOf(f: TimelineFilters, range: TimeRange): TimelineFilter {
  return {
    ...(f.kind.length ? { kind: f.kind } : {}),
    ...(f.severity.length ? { severity: f.severity } : {}),
    ...(f.gate ? { gate: f.gate } : {}),
    ...(f.source ? { source: f.source } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
    ...(range.mode === "fixed" ? { from: iso(range.from), to: iso(range.to) } : {}),
  };
}

export type TimelineView = {
  events: TimelineEventOut[];
  /** The query the list answers (also the CSV export's). */
  query: TimelineFilter;
  filters: TimelineFilters;
  setFilters: (f: TimelineFilters) => void;
  hasOlder: boolean;
  loadOlder: () => void;
  loadingOlder: boolean;
  loading: boolean;
};

const NONE: TimelineEventOut[] = [];

export function useTimelineView(head: TimelinePage | undefined, range: TimeRange): TimelineView {
  const [filters, setFilters] = useState<TimelineFilters>(NO_FILTERS);
  const [olderWanted, setOlderWanted] = useState(false);
  // Live, the range moves every second but the query does not (the list is the newest events).
  const fixedFrom = range.mode === "fixed" ? range.from : null;
  const fixedTo = range.mode === "fixed" ? range.to : null;
  const query = useMemo(
    () => timelineQueryOf(filters, fixedFrom !== null && fixedTo !== null ? { mode: "fixed", from: fixedFrom, to: fixedTo, following: false } : { mode: "live", from: 0, to: 0, following: true }),
    [filters, fixedFrom, fixedTo],
  );
  const fromHead = range.mode === "live" && !hasFilters(filters);
  const after = fromHead ? (head?.next_cursor ?? null) : null;
  const pages = useInfiniteQuery({
    ...timelinePagesQuery(query, after),
    // Live and unfiltered, only the pages older than the head, once asked for.
    enabled: fromHead ? olderWanted && after !== null : true,
    // Live with filters: read the newest matching page again now and then (the stream feeds only the head).
    ...(range.mode === "live" && !fromHead ? { refetchInterval: 15_000 } : {}),
  });
  const events = useMemo(() => {
    const older = pages.data?.pages.flatMap((p) => p.items) ?? NONE;
    if (!fromHead) return older;
    const mine = head?.items ?? NONE;
    if (!olderWanted || older.length === 0) return mine;
    const seen = new Set(mine.map((e) => e.id));
    return [...mine, ...older.filter((e) => !seen.has(e.id))];
  }, [pages.data, fromHead, head?.items, olderWanted]);
  const hasOlder = fromHead ? (olderWanted ? pages.hasNextPage || !pages.data : after !== null) : pages.hasNextPage;
  return {
    events,
    query,
    filters,
    setFilters: (f) => {
      setFilters(f);
      setOlderWanted(false);
    },
    hasOlder,
    loadOlder: () => {
      if (fromHead && !olderWanted) setOlderWanted(true);
      else void pages.fetchNextPage();
    },
    loadingOlder: pages.isFetchingNextPage || (fromHead && olderWanted && pages.isPending),
    loading: !fromHead && pages.isPending,
  };
}
