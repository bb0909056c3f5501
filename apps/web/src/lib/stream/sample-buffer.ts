/** Coalesces bursts of samples into one flush per window, so a 50 Hz fleet costs one render per window. */
import type { StreamSample } from "@chiron/api-client";

export type Timers = {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
};

export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function createSampleBuffer(flush: (samples: StreamSample[]) => void, windowMs = 250, timers: Timers = defaultTimers) {
  let pending: StreamSample[] = [];
  let handle: unknown = null;

  const drain = () => {
    handle = null;
    const batch = pending;
    pending = [];
    if (batch.length) flush(batch);
  };

  return {
    push(samples: readonly StreamSample[]) {
      pending.push(...samples);
      if (handle === null) handle = timers.setTimeout(drain, windowMs);
    },
    /** Writes what is pending now (e.g. before a resync replaces the snapshot). */
    flushNow() {
      if (handle !== null) timers.clearTimeout(handle);
      drain();
    },
    /** Forgets what is pending (the snapshot it would patch is being replaced). */
    discard() {
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
      pending = [];
    },
    get size() {
      return pending.length;
    },
  };
}
