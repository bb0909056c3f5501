/** Routes validated stream payloads into the TanStack Query cache. */
import type { Summary, TelemetryPayload, TimelinePage } from "@chiron/api-client";
import type { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "../queries";
import { createSampleBuffer, defaultTimers, type Timers } from "./sample-buffer";
import { applyAlarm } from "./alarm-transforms";
import { applyGate, applySamples, prependTimeline } from "./transforms";

const CLOCK_EVENTS = new Set(["clock_skew", "clock_in_step"]);

export function createCacheSink(qc: QueryClient, { windowMs = 250, timers = defaultTimers }: { windowMs?: number; timers?: Timers } = {}) {
  const samples = createSampleBuffer(
    (batch) => qc.setQueryData<Summary>(queryKeys.summary, (s) => (s ? applySamples(s, batch) : s)),
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
      case "alarm":
        qc.setQueryData<Summary>(queryKeys.summary, (s) => (s ? applyAlarm(s, payload.alarm) : s));
        break;
      case "timeline":
        qc.setQueryData<TimelinePage>(queryKeys.timeline(null), (p) => (p ? prependTimeline(p, payload.event) : p));
        // A source's clock crossed the skew line or came back: the summary's `sources` says how far.
        if (CLOCK_EVENTS.has(payload.event.kind)) void qc.invalidateQueries({ queryKey: queryKeys.summary });
        break;
      case "poll":
        // A poll opened, was answered or closed: the open polls panel reads the list again.
        void qc.invalidateQueries({ queryKey: queryKeys.openPolls });
        break;
      case "resync":
        // Our cursor fell behind the bus: the snapshot is the truth again.
        samples.discard();
        void qc.invalidateQueries({ queryKey: queryKeys.summary });
        void qc.invalidateQueries({ queryKey: queryKeys.timeline(null) });
        void qc.invalidateQueries({ queryKey: queryKeys.openPolls });
        break;
    }
  };
  return Object.assign(sink, { dispose: () => samples.discard() });
}
