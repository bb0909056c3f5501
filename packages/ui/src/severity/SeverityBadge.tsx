/** A compact icon + word pill (legend, login screen, metric status). */
import type { HTMLAttributes } from "react";
import { SeverityIcon } from "./SeverityIcon";
import type { Severity } from "./tokens";
import { severityTokens } from "./tokens";

export type SeverityBadgeProps = HTMLAttributes<HTMLSpanElement> & {
  /** Severity to show. */
  severity: Severity;
  /** Word override (defaults to the severity's word, e.g. "NOMINAL" for metrics). */
  word?: string;
  /** Small trailing detail such as the stale age ("2m"). */
  detail?: string;
  /** "pill" draws a bordered capsule; "plain" is icon + word only. */
  variant?: "pill" | "plain";
};

export function SeverityBadge({ severity, word, detail, variant = "plain", className, ...rest }: SeverityBadgeProps) {
  const token = severityTokens[severity];
  return (
    <span
      className={["chiron-badge", `chiron-badge--${variant}`, className].filter(Boolean).join(" ")}
      data-severity={severity}
      style={{ color: token.color, ["--sev" as string]: token.color, ["--sev-glow" as string]: token.glow }}
      {...rest}
    >
      <SeverityIcon severity={severity} size={variant === "pill" ? 16 : 14} />
      <span className="chiron-badge__word">{word ?? token.word}</span>
      {detail ? <span className="chiron-badge__detail">{detail}</span> : null}
    </span>
  );
}
