/**
 * A small requestAnimationFrame tween for one motion value (the gauge sweep),
 * instead of motion's `animate()`, which would pull the whole animation engine
 * into the first bundle.
 */
import type { MotionValue } from "motion/react";

/** Ease-out quint: fast start, long settle (close to cubic-bezier(0.22, 1, 0.36, 1)). */
export const easeOutQuint = (t: number) => 1 - (1 - t) ** 5;

export type TweenOptions = {
  /** Seconds. */
  duration: number;
  ease?: (t: number) => number;
  /** Injected in tests. */
  raf?: (cb: (t: number) => void) => number;
  caf?: (id: number) => void;
  now?: () => number;
};

/** Moves `value` to `to`; returns a stop function (the value stays where it got to). */
export function tweenMotionValue(value: MotionValue<number>, to: number, options: TweenOptions): () => void {
  const { duration, ease = easeOutQuint } = options;
  const raf = options.raf ?? ((cb) => requestAnimationFrame(cb));
  const caf = options.caf ?? ((id) => cancelAnimationFrame(id));
  const now = options.now ?? (() => performance.now());
  const from = value.get();
  if (from === to || duration <= 0) {
    value.set(to);
    return () => {};
  }
  const start = now();
  let id = 0;
  const step = () => {
    const t = Math.min(1, (now() - start) / (duration * 1000));
    value.set(from + (to - from) * ease(t));
    if (t < 1) id = raf(step);
  };
  id = raf(step);
  return () => caf(id);
}
