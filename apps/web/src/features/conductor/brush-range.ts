/**
 * The timeline brush's arithmetic (TimelineBrush.tsx), pure: where a drag lands on the plot and
 * which range of time it chooses.
 */

/** Less than this many px of drag is a click, not a range. */
export const MIN_DRAG_PX = 4;

export type BrushAxis = {
  /** The axis drawn under the brush, epoch ms. */
  from: number;
  to: number;
  /** The chart's width in px, and the plot's insets in it. */
  width: number;
  left: number;
  right: number;
};

/** A pointer's x in the chart, held inside the plot. */
export function clampToPlot(x: number, axis: BrushAxis): number {
  return Math.min(axis.width - axis.right, Math.max(axis.left, x));
}

/** The time at a plot x (linear, the plot's left edge is `from`, its right edge `to`). */
export function timeAt(x: number, axis: BrushAxis): number {
  const span = Math.max(1, axis.width - axis.right - axis.left);
  return axis.from + ((x - axis.left) / span) * (axis.to - axis.from);
}

/** The range a drag from `a` to `b` (plot x, either way round) chooses, whole ms; null for a click. */
export function brushRange(a: number, b: number, axis: BrushAxis): { from: number; to: number } | null {
  const lo = clampToPlot(Math.min(a, b), axis);
  const hi = clampToPlot(Math.max(a, b), axis);
  if (hi - lo < MIN_DRAG_PX) return null;
  return { from: Math.round(timeAt(lo, axis)), to: Math.round(timeAt(hi, axis)) };
}
