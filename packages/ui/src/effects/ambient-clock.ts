/**
 * One low-rate clock for the ambient effects (aurora drift, tint breathing, film grain, the LIVE
 * dot's breathing), instead of CSS keyframe animations.
 *
 * Why: without a GPU (headless Chromium, GPU-less wall displays) Chromium composites in software,
 * and while *any* CSS animation runs it draws a whole new frame at up to 60 frames/s, even when
 * the animation is in `steps()` and nothing changed since the last frame (measured: an idle
 * dashboard drew ~26 full frames/s either way and its compositor took 70-80 % of a core). The
 * ambient effects move a few pixels a second, so they are repositioned here ~7 times a second
 * (the grain's old step rate) and the compositor draws only when something moved.
 *
 * The clock runs only while someone listens and the page is visible (a hidden tab gets no ticks).
 */
import { useEffect, useRef } from "react";

/** Milliseconds between ticks (~6.7 Hz). */
export const AMBIENT_TICK_MS = 150;

type Listener = (now: number) => void;
const listeners = new Set<Listener>();
let timer: ReturnType<typeof setInterval> | null = null;
let watchingVisibility = false;

const visible = () => typeof document === "undefined" || document.visibilityState !== "hidden";

function tick() {
  const now = performance.now();
  for (const listener of listeners) listener(now);
}

function sync() {
  const run = listeners.size > 0 && visible();
  if (run && timer === null) {
    timer = setInterval(tick, AMBIENT_TICK_MS);
    tick();
  } else if (!run && timer !== null) {
    clearInterval(timer);
    timer = null;
  }
}

/** Calls `listener(performance.now())` on every ambient tick (and once right away); returns the unsubscribe. */
export function subscribeAmbient(listener: Listener): () => void {
  if (!watchingVisibility && typeof document !== "undefined") {
    document.addEventListener("visibilitychange", sync);
    watchingVisibility = true;
  }
  listeners.add(listener);
  sync();
  return () => {
    listeners.delete(listener);
    sync();
  };
}

/**
 * Runs `onTick` on the ambient clock while `enabled`; when it turns off, `onStop` runs once (to
 * put the element back to its static look). The callbacks may change between renders.
 */
export function useAmbientClock(enabled: boolean, onTick: (now: number) => void, onStop?: () => void) {
  const tickRef = useRef(onTick);
  const stopRef = useRef(onStop);
  useEffect(() => {
    tickRef.current = onTick;
    stopRef.current = onStop;
  });
  useEffect(() => {
    if (!enabled) return;
    const unsubscribe = subscribeAmbient((now) => tickRef.current(now));
    return () => {
      unsubscribe();
      stopRef.current?.();
    };
  }, [enabled]);
}

/** Position 0..1..0 of an `alternate` cycle of `periodMs` per direction, eased in and out (sine). */
export function alternateEased(now: number, periodMs: number): number {
  const p = (now / periodMs) % 2;
  const linear = p <= 1 ? p : 2 - p;
  return 0.5 - 0.5 * Math.cos(Math.PI * linear);
}

export const lerp = (a: number, b: number, t: number) => a + (b - a) * t;
