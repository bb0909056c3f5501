/**
 * Severity glyphs: GO circle-check, HOLD pause-diamond, NO-GO octagon-cross, STALE clock, and
 * NO DATA (an input that never reported) a dashed circle struck through.
 */
import type { SVGProps } from "react";
import type { Severity } from "./tokens";
import { severityTokens } from "./tokens";

export type SeverityIconProps = Omit<SVGProps<SVGSVGElement>, "children"> & {
  /** Which glyph to draw. */
  severity: Glyph;
  /** Pixel size of the square icon. */
  size?: number;
  /** Override the severity colour (e.g. currentColor). */
  color?: string;
  /** Accessible name; omit when a visible word sits next to the icon (then it is aria-hidden). */
  title?: string;
};

/** The four severities, and "no-data": drawn like stale (grey), with its own shape. */
export type Glyph = Severity | "no-data";

const glyphs: Record<Glyph, React.ReactNode> = {
  go: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M8 12.3l2.7 2.7L16.2 9.4" />
    </>
  ),
  hold: (
    <>
      <path d="M12 2.8l9.2 9.2-9.2 9.2L2.8 12z" />
      <path d="M10.2 9.2v5.6M13.8 9.2v5.6" />
    </>
  ),
  "no-go": (
    <>
      <path d="M8.3 3h7.4L21 8.3v7.4L15.7 21H8.3L3 15.7V8.3z" />
      <path d="M9.3 9.3l5.4 5.4M14.7 9.3l-5.4 5.4" />
    </>
  ),
  stale: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7.2V12l3.2 2" />
    </>
  ),
  "no-data": (
    <>
      <circle cx="12" cy="12" r="9" strokeDasharray="3.2 2.6" />
      <path d="M6 18L18 6" />
    </>
  ),
};

export function SeverityIcon({ severity, size = 20, color, title, ...rest }: SeverityIconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke={color ?? severityTokens[severity === "no-data" ? "stale" : severity].color}
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      data-severity={severity}
      {...(title ? { role: "img", "aria-label": title } : { "aria-hidden": true })}
      {...rest}
    >
      {glyphs[severity]}
    </svg>
  );
}
