"use client";
/**
 * Fine film grain: an SVG fractal-noise texture, jittered in steps on the
 * ambient clock (~7 positions a second, see ambient-clock.ts) so it reads as
 * living grain. Purely decorative (aria-hidden, no pointer events). Blended
 * normally (no mix-blend-mode, which costs the compositor an extra full-screen
 * surface per frame), so keep it very faint.
 */
import type { HTMLAttributes } from "react";
import { useId, useRef } from "react";
import { useMotionEnabled } from "../motion/MotionPreference";
import { AMBIENT_TICK_MS, useAmbientClock } from "./ambient-clock";

export type NoiseOverlayProps = HTMLAttributes<HTMLDivElement> & {
  /** Grain opacity, 0..1 (keep it very faint: 0.01–0.03 on a dark canvas). */
  opacity?: number;
  /** feTurbulence baseFrequency: higher is finer grain. */
  frequency?: number;
};

/** Jitter offsets, % of the layer (it overhangs the screen by 4 %). */
const JITTER: readonly (readonly [number, number])[] = [
  [0, 0],
  [-3, 2],
  [2, -3],
  [-2, -1],
  [3, 3],
  [1, -2],
];

export function NoiseOverlay({ opacity = 0.015, frequency = 0.85, className, style, ...rest }: NoiseOverlayProps) {
  const id = useId().replace(/:/g, "");
  const ref = useRef<HTMLDivElement>(null);
  useAmbientClock(
    useMotionEnabled(),
    (now) => {
      const [x, y] = JITTER[Math.floor(now / AMBIENT_TICK_MS) % JITTER.length]!;
      if (ref.current) ref.current.style.transform = `translate(${x}%, ${y}%)`;
    },
    () => {
      if (ref.current) ref.current.style.transform = "";
    },
  );
  return (
    <div
      ref={ref}
      aria-hidden
      className={["chiron-noise", className].filter(Boolean).join(" ")}
      style={{ opacity, ...style }}
      {...rest}
    >
      <svg className="chiron-noise__svg" width="100%" height="100%" xmlns="http://www.w3.org/2000/svg">
        <filter id={`grain-${id}`}>
          <feTurbulence type="fractalNoise" baseFrequency={frequency} numOctaves={3} stitchTiles="stitch" />
          <feColorMatrix type="saturate" values="0" />
        </filter>
        <rect width="100%" height="100%" filter={`url(#grain-${id})`} />
      </svg>
    </div>
  );
}
