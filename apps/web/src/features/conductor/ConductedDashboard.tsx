"use client";
/**
 * Glue between the dashboard and the conductor: one hook that turns the live cache into what the
 * bands draw for the chosen range, and the control that sits in the header bar.
 */
import type { Summary, TimelinePage } from "@chiron/api-client";
import { lazy, Suspense, useCallback, useMemo, useState, type KeyboardEvent, type MouseEvent } from "react";
import { hhmm } from "@/lib/format";
import { rangeOf, type TimeRange } from "./conductor-state";
import { ConductorControl } from "./ConductorControl";
import { TimelineTools } from "./TimelineTools";
import { useConductor, type Conductor, type ConductorInit } from "./useConductor";
import { useHeld } from "./useHeld";
import { useRangeView } from "./useRangeView";
import { useTimelineView, type TimelineView } from "./useTimelineView";

// The detail and its chart load on first open, not with the page.
const MetricDetail = lazy(() => import("./MetricDetail"));

export type Conducted = {
  conductor: Conductor;
  range: TimeRange;
  /** The summary as the range shows it. */
  data: Summary | undefined;
  /** The instant the bands are drawn at (the pause instant, the range end, or now). */
  now: number;
  rangeLabel: string;
  timelineView: TimelineView;
  timelineTools: React.ReactNode;
  brush: (from: number, to: number) => void;
  /** Stream updates taken into the cache while paused (samples and events), drawn on resume. */
  buffered: number;
  /** Click or Enter on a metric (any element with `data-series="source/metric"`) opens its detail. */
  openMetric: (e: MouseEvent<HTMLElement> | KeyboardEvent<HTMLElement>) => void;
  /** The open metric detail, if any. */
  metricDetail: React.ReactNode;
};

function labelOf(c: Conductor["state"], range: TimeRange): string {
  if (c.mode === "live") return c.pausedAt === null ? `last ${c.window}` : `${c.window} to ${hhmm(range.to)} · paused`;
  const d = (ms: number) => new Date(ms).toISOString().slice(5, 10);
  return d(range.from) === d(range.to) ? `${hhmm(range.from)}–${hhmm(range.to)} UTC` : `${d(range.from)} ${hhmm(range.from)} – ${d(range.to)} ${hhmm(range.to)} UTC`;
}

export function useConductedDashboard(init: ConductorInit | undefined, live: Summary | undefined, liveHead: TimelinePage | undefined, liveNow: number): Conducted {
  const conductor = useConductor(init);
  const { state, dispatch } = conductor;
  const paused = state.mode === "live" && state.pausedAt !== null;
  // Paused: the cache keeps taking the stream (nothing is lost), the screen keeps the instant.
  const summary = useHeld(live, paused);
  const head = useHeld(liveHead, paused);
  const range = rangeOf(state, liveNow);
  const view = useRangeView(summary, range, liveNow);
  const timelineView = useTimelineView(head, range);
  const brush = useCallback((from: number, to: number) => dispatch({ type: "range", from, to }), [dispatch]);
  const gates = useMemo(() => (live?.gates ?? []).map((g) => g.slug), [live?.gates]);
  const sources = useMemo(() => [...new Set((live?.metrics ?? []).map((m) => m.source))].sort(), [live?.metrics]);
  const [open, setOpen] = useState<{ series: string; opener: HTMLElement } | null>(null);
  const openMetric = useCallback((e: MouseEvent<HTMLElement> | KeyboardEvent<HTMLElement>) => {
    if ("key" in e && e.key !== "Enter") return;
    const cell = (e.target as HTMLElement).closest<HTMLElement>("[data-series]");
    if (!cell) return;
    e.preventDefault();
    setOpen({ series: cell.dataset.series!, opener: cell });
  }, []);
  const selected = open ? view.data?.metrics.find((m) => `${m.source}/${m.metric}` === open.series) : undefined;
  const close = useCallback(() => {
    setOpen((o) => {
      // Focus goes back to the metric that opened the detail.
      o?.opener.focus();
      return null;
    });
  }, []);
  const rangeLabel = labelOf(state, range);
  const metricDetail =
    open && selected ? (
      <Suspense fallback={null}>
        <MetricDetail
          metric={selected}
          range={range}
          rangeLabel={rangeLabel}
          events={timelineView.events}
          gates={(view.data?.gates ?? []).filter((g) => g.source === selected.source && g.metric === selected.metric).map((g) => g.slug)}
          onClose={close}
        />
      </Suspense>
    ) : null;
  let buffered = 0;
  if (paused) {
    buffered = Math.max(0, (live?.counts.samples_total ?? 0) - (summary?.counts.samples_total ?? 0));
    const firstHeld = head?.items[0]?.id;
    const newer = liveHead?.items.findIndex((e) => e.id === firstHeld) ?? -1;
    buffered += newer > 0 ? newer : 0;
  }
  return {
    conductor,
    range,
    data: view.data,
    now: range.to,
    rangeLabel,
    timelineView,
    timelineTools: <TimelineTools view={timelineView} gates={gates} sources={sources} />,
    brush,
    buffered,
    openMetric,
    metricDetail,
  };
}

export function ConductorPanel({ conducted, now }: { conducted: Conducted; now: number }) {
  const { conductor, range, buffered } = conducted;
  return (
    <ConductorControl
      state={conductor.state}
      range={range}
      dispatch={conductor.dispatch}
      buffered={buffered}
      now={now}
      notice={conductor.notice}
      dismissNotice={conductor.dismissNotice}
    />
  );
}
