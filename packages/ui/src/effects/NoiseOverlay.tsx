/**
 * Fine film grain: an SVG fractal-noise texture, jittered in steps by CSS so it
 * reads as living grain. Purely decorative (aria-hidden, no pointer events).
 */
import type { CSSProperties, HTMLAttributes } from "react";
import { useId } from "react";

export type NoiseOverlayProps = HTMLAttributes<HTMLDivElement> & {
  /** Grain opacity, 0..1 (keep it faint: 0.03–0.08). */
  opacity?: number;
  /** feTurbulence baseFrequency: higher is finer grain. */
  frequency?: number;
};

export function NoiseOverlay({ opacity = 0.06, frequency = 0.85, className, style, ...rest }: NoiseOverlayProps) {
  const id = useId().replace(/:/g, "");
  return (
    <div
      aria-hidden
      className={["chiron-noise", className].filter(Boolean).join(" ")}
      style={{ opacity, ...style } as CSSProperties}
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
