/**
 * The ambient effects' clock (aurora drift, tint breathing, film grain, the LIVE dot's breathing),
 * instead of CSS keyframe animations: ~7 ticks a second on the shared frame clock.
 *
 * Why: without a GPU (headless Chromium, GPU-less wall displays) Chromium composites in software,
 * and while *any* CSS animation runs it draws a whole new frame at up to 60 frames/s, even when
 * the animation is in `steps()` and nothing changed since the last frame (measured: an idle
 * dashboard drew ~26 full frames/s either way and its compositor took 70-80 % of a core). The
 * ambient effects move a few pixels a second, so they are repositioned ~7 times a second (the
 * grain's old step rate), in frames the data animations draw anyway when they run
 * (`motion/frame-clock.ts`), and the compositor draws only when something moved.
 *
 * The clock runs only while someone listens and the page is visible (a hidden tab gets no ticks).
 */
import { useEffect, useRef } from "react";
import { onFrames } from "../motion/frame-clock";

/** Milliseconds between ticks (~6.7 Hz). */
export const AMBIENT_TICK_MS = 150;

type Listener = (now: number) => void;

/** Calls `listener(performance.now())` on every ambient tick (and once right away); returns the unsubscribe. */
export function subscribeAmbient(listener: Listener): () => void {
  listener(performance.now());
  return onFrames(listener, AMBIENT_TICK_MS, AMBIENT_TICK_MS);
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
