"use client";
/**
 * The ambient "aurora": slow layered gradients behind the page, tinted by the
 * worst severity on screen. Two layers (the field and the severity tint),
 * because without a GPU every full-screen layer is a full-screen software draw
 * per frame (see styles.css). They drift and breathe on the ambient clock
 * (~7 steps a second, see ambient-clock.ts), not with CSS keyframes, so the
 * compositor only draws when they moved; both stop with the animations toggle
 * or reduced motion and hold still while the tab is hidden.
 */
import { useRef, type CSSProperties, type HTMLAttributes } from "react";
import { useMotionEnabled } from "../motion/MotionPreference";
import type { Severity } from "../severity/tokens";
import { severityTokens } from "../severity/tokens";
import { alternateEased, lerp, useAmbientClock } from "./ambient-clock";

export type AuroraBackgroundProps = HTMLAttributes<HTMLDivElement> & {
  /** Worst severity on screen; sets the tint and intensity. */
  severity: Severity;
  /** Horizontal focus of the warm plume, 0..1 of the width (e.g. above the worst gate). */
  focus?: number;
};

/** Field drift: 38 s each way (was `chiron-aurora-drift 38s ease-in-out infinite alternate`). */
const DRIFT_MS = 38_000;
/** Tint breathing: 14 s each way (was `chiron-aurora-breathe 14s ... alternate`). */
const BREATHE_MS = 14_000;

export function AuroraBackground({ severity, focus = 0.3, className, style, ...rest }: AuroraBackgroundProps) {
  const token = severityTokens[severity];
  const field = useRef<HTMLDivElement>(null);
  const tint = useRef<HTMLDivElement>(null);
  const strength = token.intensity;
  useAmbientClock(
    useMotionEnabled(),
    (now) => {
      const d = alternateEased(now, DRIFT_MS);
      const b = alternateEased(now, BREATHE_MS);
      if (field.current) {
        field.current.style.transform = `translate3d(${lerp(-3, 3, d).toFixed(3)}%, ${lerp(0, 2, d).toFixed(3)}%, 0) scale(${lerp(1, 1.06, d).toFixed(4)})`;
      }
      if (tint.current) {
        // translate y: 2 % of this 56 %-high box is the 1 % of the old 112 % box.
        tint.current.style.transform = `translate3d(${lerp(0, 1.5, b).toFixed(3)}%, ${lerp(0, 2, b).toFixed(3)}%, 0) scale(${lerp(1, 1.08, b).toFixed(4)})`;
        tint.current.style.opacity = lerp(0.3 + strength * 0.45, 0.45 + strength * 0.55, b).toFixed(3);
      }
    },
    () => {
      for (const el of [field.current, tint.current]) {
        if (!el) continue;
        el.style.transform = "";
        el.style.opacity = "";
      }
    },
  );
  const vars = {
    "--aurora-tint": token.glow,
    "--aurora-focus": `${Math.round(Math.min(1, Math.max(0, focus)) * 100)}%`,
    "--aurora-strength": String(token.intensity),
    ...style,
  } as CSSProperties;
  return (
    <div
      aria-hidden
      data-severity={severity}
      className={["chiron-aurora", className].filter(Boolean).join(" ")}
      style={vars}
      {...rest}
    >
      <div ref={field} className="chiron-aurora__layer chiron-aurora__layer--field" />
      <div ref={tint} className="chiron-aurora__layer chiron-aurora__layer--tint" />
    </div>
  );
}
