/** How a timeline event is drawn: lane, glyph and colour by kind and severity. */
import type { TimelineEventOut } from "@chiron/api-client";
import { infoColor, severityTokens, SeverityIcon, type Severity } from "@chiron/ui";

export const LANES = ["Gates", "Deploys", "Notes"] as const;

export function laneOf(e: TimelineEventOut): (typeof LANES)[number] {
  if (e.kind === "deploy") return "Deploys";
  if (e.kind === "gate_transition" || e.kind === "stale" || e.kind === "fresh" || e.gate_slug) return "Gates";
  return "Notes";
}

export function severityOf(e: TimelineEventOut): Severity | null {
  if (e.kind === "stale") return "stale";
  if (e.kind !== "gate_transition" && e.severity === "info") return null;
  return e.severity === "critical" ? "no-go" : e.severity === "warning" ? "hold" : "go";
}

export function colorOf(e: TimelineEventOut): string {
  const s = severityOf(e);
  if (s) return severityTokens[s].color;
  return e.kind === "deploy" ? infoColor : "#b3bccb";
}

/** Glyph for an event, drawn at `size` and centred on the origin when `centered`. */
export function EventGlyph({ event, size = 16, centered = false }: { event: TimelineEventOut; size?: number; centered?: boolean }) {
  const s = severityOf(event);
  const offset = centered ? { x: -size / 2, y: -size / 2 } : {};
  if (s) {
    return (
      <g>
        {centered ? <circle r={size / 2 + 2} fill="#0a0e17" /> : null}
        <SeverityIcon severity={s} size={size} {...offset} />
      </g>
    );
  }
  const color = colorOf(event);
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke={color} strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden {...offset}>
      {centered ? <rect x="1" y="1" width="22" height="22" rx="6" fill="#0a0e17" stroke="none" /> : null}
      {event.kind === "deploy" ? (
        <>
          <rect x="3.5" y="3.5" width="17" height="17" rx="4" />
          <path d="M12 16.5v-9M8.5 11L12 7.5l3.5 3.5" />
        </>
      ) : event.kind === "incident" ? (
        <path d="M12 3.5l9 16H3zM12 10v4M12 17v.01" />
      ) : (
        <circle cx="12" cy="12" r="7.5" />
      )}
    </svg>
  );
}
