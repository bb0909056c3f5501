"use client";
/**
 * Brushing on the timeline band chooses a fixed range (Open MCT's scrub): press, drag across the
 * lanes, release. The pulses under it keep their hover titles (the brush listens on the wrapper,
 * it does not cover them). The keyboard way to a range is the conductor's "Range…" form.
 */
import { TIMELINE_PLOT_INSET } from "@chiron/ui";
import { useRef, useState, type PointerEvent, type ReactNode } from "react";
import { brushRange, clampToPlot, type BrushAxis } from "./brush-range";
import styles from "./conductor.module.css";

export type TimelineBrushProps = {
  /** The axis drawn under the brush, epoch ms. */
  from: number;
  to: number;
  /** The chart's width in px (the same the overlay draws at). */
  width: number;
  onRange: (from: number, to: number) => void;
  children: ReactNode;
};

export function TimelineBrush({ from, to, width, onRange, children }: TimelineBrushProps) {
  const start = useRef<number | null>(null);
  const [sel, setSel] = useState<{ a: number; b: number } | null>(null);
  const axis: BrushAxis = { from, to, width, left: TIMELINE_PLOT_INSET.left, right: TIMELINE_PLOT_INSET.right };
  const xOf = (e: PointerEvent<HTMLDivElement>) => clampToPlot(e.clientX - e.currentTarget.getBoundingClientRect().left, axis);

  const down = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    const x = xOf(e);
    start.current = x;
    setSel({ a: x, b: x });
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const move = (e: PointerEvent<HTMLDivElement>) => {
    if (start.current === null) return;
    setSel({ a: start.current, b: xOf(e) });
  };
  const up = (e: PointerEvent<HTMLDivElement>) => {
    const a = start.current;
    start.current = null;
    setSel(null);
    if (a === null) return;
    const range = brushRange(a, xOf(e), axis);
    if (range) onRange(range.from, range.to);
  };
  return (
    <div
      className={styles.brushLayer}
      data-testid="timeline-brush"
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={() => {
        start.current = null;
        setSel(null);
      }}
    >
      {children}
      {sel ? <div className={styles.brush} style={{ left: Math.min(sel.a, sel.b), width: Math.abs(sel.b - sel.a) }} aria-hidden /> : null}
    </div>
  );
}
