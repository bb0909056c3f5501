/** Routes validated stream payloads into the TanStack Query cache. */
import type { Summary, TelemetryPayload, TimelinePage } from "@chiron/api-client";
import type { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "../queries";
import { createSampleBuffer, defaultTimers, type Timers } from "./sample-buffer";
import { applyAlarm } from "./alarm-transforms";
import { applyGate, applyMetricState, applySamples, prependTimeline } from "./transforms";

const CLOCK_EVENTS = new Set(["clock_skew", "clock_in_step"]);

/** How long new structure (a source or metric the snapshot lacks) waits before one summary refetch. */
export const STRUCTURE_REFETCH_MS = 1000;

export function createCacheSink(
  qc: QueryClient,
  { windowMs = 250, timers = defaultTimers, structureMs = STRUCTURE_REFETCH_MS }: { windowMs?: number; timers?: Timers; structureMs?: number } = {},
) {
  // Live structure: a series the snapshot does not know (a new device, a new metric) is drawn from
  // its samples at once, and one summary refetch a moment later brings its thresholds, its
  // sparkline and the header's device count. Coalesced: a burst of new series costs one read.
  let refetch: unknown = null;
  const refetchSummary = () => {
    if (refetch !== null) return;
    refetch = timers.setTimeout(() => {
      refetch = null;
      void qc.invalidateQueries({ queryKey: queryKeys.summary });
    }, structureMs);
  };
  const samples = createSampleBuffer(
    (batch) =>
      qc.setQueryData<Summary>(queryKeys.summary, (s) => {
        if (!s) return s;
        const next = applySamples(s, batch);
        // New series are appended: more metrics than the snapshot knew.
        if (next.metrics.length > s.metrics.length) refetchSummary();
        return next;
      }),
    windowMs,
    timers,
  );

  const sink = (payload: TelemetryPayload, _id: string | null) => {
    switch (payload.type) {
      case "samples":
        samples.push(payload.samples);
        break;
      case "gate":
        samples.flushNow();
        qc.setQueryData<Summary>(queryKeys.summary, (s) => (s ? applyGate(s, payload.gate) : s));
        break;
      case "metric":
        // Stream order: the readings sent before a stale / fresh event are applied first.
        samples.flushNow();
        qc.setQueryData<Summary>(queryKeys.summary, (s) => (s ? applyMetricState(s, payload.metric) : s));
        break;
      case "alarm":
        qc.setQueryData<Summary>(queryKeys.summary, (s) => (s ? applyAlarm(s, payload.alarm) : s));
        break;
      case "timeline":
        qc.setQueryData<TimelinePage>(queryKeys.timeline(null), (p) => (p ? prependTimeline(p, payload.event) : p));
        // A source's clock crossed the skew line or came back: the summary's `sources` says how far.
        if (CLOCK_EVENTS.has(payload.event.kind)) void qc.invalidateQueries({ queryKey: queryKeys.summary });
        break;
      case "poll":
        // A poll opened, was answered or closed: the open and the closed polls are read again.
        void qc.invalidateQueries({ queryKey: queryKeys.polls });
        break;
      case "log":
        // An entry written or edited (by anyone): the log view reads its pages again.
        void qc.invalidateQueries({ queryKey: queryKeys.log });
        break;
      case "resync":
        // Our cursor fell behind the bus: the snapshot is the truth again.
        samples.discard();
        void qc.invalidateQueries({ queryKey: queryKeys.summary });
        void qc.invalidateQueries({ queryKey: queryKeys.timeline(null) });
        void qc.invalidateQueries({ queryKey: queryKeys.polls });
        void qc.invalidateQueries({ queryKey: queryKeys.log });
        break;
    }
  };
  return Object.assign(sink, {
    dispose: () => {
      samples.discard();
      if (refetch !== null) timers.clearTimeout(refetch);
      refetch = null;
    },
  });
}
