/**
 * One clock for everything that moves on the dashboard: the sparklines' morphs, the gauges'
 * sweeps, the timeline's arrival pulse and the ambient effects. It ticks in animation frames, at
 * most 20 times a second, and its jobs write SVG attributes directly (no React render, no motion
 * value: a motion value set on a tick makes motion's frameloop ask for one more frame after it).
 *
 * Why: without a GPU (headless Chromium, GPU-less wall displays) Chromium composites in software
 * and redraws the whole screen for every frame the page produces (15-20 ms of CPU a frame at
 * 1600x1000 here). Each animation on a clock of its own (CSS transitions, motion's tweens, rAF
 * loops) asks for up to 60 frames a second, and they rarely land on the same frame. With 20
 * metrics at 10 Hz the data animations never stop: the compositor took ~70 % of a core, and on 2
 * cores the page's own tasks (12-28 ms of work) were preempted past 50 ms. On this clock every
 * animation steps on the same frames: 20 a second while data moves, ~7 a second when only the
 * ambient effects do, none when nothing does (see docs/performance.md, "Dashboard under load").
 *
 * Jobs run while the page is visible; a hidden tab gets no ticks and catches up when shown.
 */
import { useLayoutEffect, useRef } from "react";

/** Milliseconds between the clock's frames (20 frames/s). */
export const FRAME_MS = 50;
/** A job due up to this much after a frame that is drawn anyway runs in it (so jobs share frames). */
const SLACK_MS = FRAME_MS / 2;

type Job = { run: (now: number) => void; every: number; next: number };

const jobs = new Set<Job>();
let timer: ReturnType<typeof setTimeout> | null = null;
let timerDue = Infinity;
let requested = false;
let lastTick = -Infinity;
let watchingVisibility = false;

const visible = () => typeof document === "undefined" || document.visibilityState !== "hidden";

function tick() {
  requested = false;
  const now = performance.now();
  lastTick = now;
  for (const job of [...jobs]) {
    if (!jobs.has(job) || job.next - SLACK_MS > now) continue;
    job.next = now + job.every;
    job.run(now);
  }
  schedule();
}

function request() {
  timer = null;
  timerDue = Infinity;
  if (requested) return;
  requested = true;
  requestAnimationFrame(tick);
}

function schedule() {
  if (requested) return;
  if (jobs.size === 0 || !visible()) {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    timerDue = Infinity;
    return;
  }
  // The earliest job, but never sooner than FRAME_MS after the last tick: a job that starts
  // between ticks (a new morph after a React commit) waits for the next one instead of adding a
  // frame of its own.
  let due = Infinity;
  for (const job of jobs) due = Math.min(due, job.next);
  due = Math.max(due, lastTick + FRAME_MS);
  if (timer !== null && due >= timerDue) return;
  if (timer !== null) clearTimeout(timer);
  const wait = due - performance.now();
  if (wait <= 0) {
    request();
  } else {
    timerDue = due;
    timer = setTimeout(request, wait);
  }
}

/**
 * Calls `run(now)` on the clock's frames every `everyMs`, the first time on the first frame at
 * least `delayMs` from now, until the returned function is called. `now` is `performance.now()`.
 */
export function onFrames(run: (now: number) => void, everyMs = FRAME_MS, delayMs = 0): () => void {
  if (!watchingVisibility && typeof document !== "undefined") {
    document.addEventListener("visibilitychange", schedule);
    watchingVisibility = true;
  }
  const job: Job = { run, every: Math.max(everyMs, FRAME_MS), next: performance.now() + delayMs };
  jobs.add(job);
  schedule();
  return () => {
    jobs.delete(job);
    schedule();
  };
}

/**
 * Steps `step(t)` with `t` going from 0 (exclusive) to exactly 1 over `durationMs`, on the
 * clock; returns a stop function (what was drawn last stays).
 */
export function animateFrames(durationMs: number, step: (t: number) => void): () => void {
  const start = performance.now();
  if (durationMs <= 0) {
    step(1);
    return () => {};
  }
  const stop = onFrames((now) => {
    const t = Math.min(1, (now - start) / durationMs);
    if (t >= 1) stop();
    step(t);
  });
  return stop;
}

/** Ease-out cubic. */
export const easeOutCubic = (t: number) => 1 - (1 - t) ** 3;

/** Ease-out quint: fast start, long settle (close to cubic-bezier(0.22, 1, 0.36, 1)). */
export const easeOutQuint = (t: number) => 1 - (1 - t) ** 5;

export type MorphOptions<T> = {
  durationMs: number;
  ease?: (t: number) => number;
  /** The value `t` (0..1, eased) of the way from `from` to `to`. */
  mix: (from: T, to: T, t: number) => T;
  /** Where a morph to `target` starts, given what is shown (default: what is shown); null: no
   * morph, draw the target at once. */
  start?: (shown: T, target: T) => T | null;
};

const startFromShown = <T>(shown: T): T | null => shown;

/**
 * Morphs what `draw` shows to `target` on the clock while `enabled`. React renders the target;
 * before the browser paints it, the value shown so far is drawn back and then stepped, without
 * a React render per frame. Off (or when `start` says no), the target is drawn at once: also
 * when switched off mid-morph, when React renders nothing new. `mix`, `start` and `ease` must
 * be stable (module-level) functions.
 */
export function useFrameMorph<T>(
  target: T,
  enabled: boolean,
  draw: (value: T) => void,
  { durationMs, ease = easeOutCubic, mix, start = startFromShown }: MorphOptions<T>,
): void {
  const drawRef = useRef(draw);
  useLayoutEffect(() => {
    drawRef.current = draw;
  });
  const shown = useRef(target);
  useLayoutEffect(() => {
    const step = (v: T) => {
      shown.current = v;
      drawRef.current(v);
    };
    const from = enabled && shown.current !== target ? start(shown.current, target) : null;
    if (from === null) {
      if (shown.current !== target) step(target);
      return;
    }
    step(from);
    return animateFrames(durationMs, (t) => step(t >= 1 ? target : mix(from, target, ease(t))));
  }, [target, enabled, durationMs, ease, mix, start]);
}

const mixNumbers = (from: number, to: number, t: number) => from + (to - from) * t;

/** `useFrameMorph` for one number. */
export function useFrameTween(
  target: number,
  enabled: boolean,
  draw: (value: number) => void,
  { durationMs, ease = easeOutCubic }: { durationMs: number; ease?: (t: number) => number },
): void {
  useFrameMorph(target, enabled, draw, { durationMs, ease, mix: mixNumbers });
}
