/** Timeline glyphs: a source or gate reporting again is drawn neutral, never as a severity. */
import type { TimelineEventOut } from "@chiron/api-client";
import { render } from "@testing-library/react";
import { EventGlyph, plainGlyphOf, severityOf } from "./event-style";

const event = (over: Partial<TimelineEventOut>): TimelineEventOut => ({
  id: 1, ts: "2026-12-02T10:00:00Z", kind: "note", severity: "info", title: "t", body: "",
  gate_slug: null, source: null, actor: null, ...over,
});

describe("event glyphs", () => {
  it("draws 'reporting again' with its own neutral glyph, whatever its severity", () => {
    for (const severity of ["info", "warning", "critical"] as const) {
      const e = event({ kind: "fresh", severity, gate_slug: "link", title: "Link: reporting again" });
      expect(severityOf(e)).toBeNull();
      expect(plainGlyphOf(e)).toBe("fresh");
      const { container, unmount } = render(<svg><EventGlyph event={e} /></svg>);
      expect(container.querySelector("[data-glyph]")?.getAttribute("data-glyph")).toBe("fresh");
      expect(container.querySelector("svg svg")?.getAttribute("stroke")).toBe("#b3bccb");
      unmount();
    }
  });

  it("keeps severity glyphs for gate changes and stale, kind glyphs for the rest", () => {
    expect(severityOf(event({ kind: "gate_transition", severity: "critical" }))).toBe("no-go");
    expect(severityOf(event({ kind: "stale", severity: "warning" }))).toBe("stale");
    expect(plainGlyphOf(event({ kind: "log" }))).toBe("log");
    expect(plainGlyphOf(event({ kind: "poll" }))).toBe("poll");
    expect(plainGlyphOf(event({ kind: "something" }))).toBe("note");
  });
});
