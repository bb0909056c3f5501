/** How a timeline event is drawn: lane, glyph and colour by kind and severity. */
import type { TimelineEventOut } from "@chiron/api-client";
import { infoColor, severityTokens, SeverityIcon, type Severity } from "@chiron/ui";
import type { ReactNode } from "react";

export const LANES = ["Gates", "Deploys", "Notes"] as const;

export function laneOf(e: TimelineEventOut): (typeof LANES)[number] {
  if (e.kind === "deploy") return "Deploys";
  if (e.kind === "gate_transition" || e.kind === "stale" || e.kind === "fresh" || e.gate_slug) return "Gates";
  return "Notes";
}

export function severityOf(e: TimelineEventOut): Severity | null {
  if (e.kind === "stale") return "stale";
  // Reporting again is news, not a verdict: never a GO check or an alarm glyph.
  if (e.kind === "fresh") return null;
  if (e.kind !== "gate_transition" && e.severity === "info") return null;
  return e.severity === "critical" ? "no-go" : e.severity === "warning" ? "hold" : "go";
}

/** The glyph an event gets when it has no severity to show: by kind, and a neutral one for a
 * source or gate reporting again (it is not an alarm, and not a GO either). */
export type PlainGlyph = "deploy" | "incident" | "fresh" | "log" | "poll" | "note";

export function plainGlyphOf(e: TimelineEventOut): PlainGlyph {
  switch (e.kind) {
    case "deploy":
    case "incident":
    case "fresh":
    case "log":
    case "poll":
      return e.kind;
    default:
      return "note";
  }
}

export function colorOf(e: TimelineEventOut): string {
  const s = severityOf(e);
  if (s) return severityTokens[s].color;
  return e.kind === "deploy" ? infoColor : "#b3bccb";
}

const PLAIN_PATHS: Record<PlainGlyph, ReactNode> = {
  deploy: (
    <>
      <rect x="3.5" y="3.5" width="17" height="17" rx="4" />
      <path d="M12 16.5v-9M8.5 11L12 7.5l3.5 3.5" />
    </>
  ),
  incident: <path d="M12 3.5l9 16H3zM12 10v4M12 17v.01" />,
  // Reporting again: a transmitter's dot with its waves, no check and no colour of its own.
  fresh: (
    <>
      <circle cx="12" cy="14" r="1.6" />
      <path d="M8.5 10.5a5 5 0 0 1 7 0M5.5 7.5a9.2 9.2 0 0 1 13 0" />
      <path d="M12 15.6V20" />
    </>
  ),
  // An operator's words: a speech bubble.
  log: <path d="M5 5.5h14a1.5 1.5 0 0 1 1.5 1.5v8a1.5 1.5 0 0 1-1.5 1.5h-8l-4.5 3.5v-3.5H5A1.5 1.5 0 0 1 3.5 15V7A1.5 1.5 0 0 1 5 5.5z" />,
  // A readiness poll: a ballot with two lines.
  poll: (
    <>
      <rect x="4.5" y="3.5" width="15" height="17" rx="2.5" />
      <path d="M8 9h8M8 13h8M8 17h4" />
    </>
  ),
  note: <circle cx="12" cy="12" r="7.5" />,
};

/** Glyph for an event, drawn at `size` and centred on the origin when `centered`. */
export function EventGlyph({ event, size = 16, centered = false }: { event: TimelineEventOut; size?: number; centered?: boolean }) {
  const s = severityOf(event);
  const offset = centered ? { x: -size / 2, y: -size / 2 } : {};
  if (s) {
    return (
      <g data-glyph={s}>
        {centered ? <circle r={size / 2 + 2} fill="#0a0e17" /> : null}
        <SeverityIcon severity={s} size={size} {...offset} />
      </g>
    );
  }
  const color = colorOf(event);
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke={color} strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden data-glyph={plainGlyphOf(event)} {...offset}>
      {centered ? <rect x="1" y="1" width="22" height="22" rx="6" fill="#0a0e17" stroke="none" /> : null}
      {PLAIN_PATHS[plainGlyphOf(event)]}
    </svg>
  );
}
