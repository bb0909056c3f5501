/**
 * The ambient "aurora": slow layered gradients behind the page, tinted by the
 * worst severity on screen. Pure CSS (custom properties + keyframes) so it costs
 * no JS per frame and stops with data-motion="off" / reduced motion.
 */
import type { CSSProperties, HTMLAttributes } from "react";
import type { Severity } from "../severity/tokens";
import { severityTokens } from "../severity/tokens";

export type AuroraBackgroundProps = HTMLAttributes<HTMLDivElement> & {
  /** Worst severity on screen; sets the tint and intensity. */
  severity: Severity;
  /** Horizontal focus of the warm plume, 0..1 of the width (e.g. above the worst gate). */
  focus?: number;
};

export function AuroraBackground({ severity, focus = 0.3, className, style, ...rest }: AuroraBackgroundProps) {
  const token = severityTokens[severity];
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
      <div className="chiron-aurora__layer chiron-aurora__layer--base" />
      <div className="chiron-aurora__layer chiron-aurora__layer--tint" />
      <div className="chiron-aurora__layer chiron-aurora__layer--drift" />
    </div>
  );
}
