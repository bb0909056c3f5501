import { describe, expect, it } from "vitest";
import { csvHref } from "./conductor-queries";
import { NO_FILTERS, hasFilters, timelineQueryOf } from "./useTimelineView";

const T = Date.parse("2026-12-02T06:00:00Z");

describe("timelineQueryOf", () => {
  it("leaves empty filters out, and live has no range (the list is the newest events)", () => {
    expect(timelineQueryOf(NO_FILTERS, { mode: "live", from: T - 60_000, to: T, following: true })).toEqual({});
    expect(hasFilters(NO_FILTERS)).toBe(false);
    expect(hasFilters({ ...NO_FILTERS, q: "  " })).toBe(false);
  });

  it("sends every filter given, and a fixed range as from / to", () => {
    const q = timelineQueryOf(
      { kind: ["deploy", "alarm"], severity: ["critical"], gate: "bus-v", source: "rover-1", q: " spike " },
      { mode: "fixed", from: T - 3600_000, to: T, following: false },
    );
    expect(q).toEqual({ kind: ["deploy", "alarm"], severity: ["critical"], gate: "bus-v", source: "rover-1", q: "spike", from: "2026-12-02T05:00:00Z", to: "2026-12-02T06:00:00Z" });
  });
});

describe("csvHref", () => {
  it("repeats list parameters, drops empty ones and asks for CSV", () => {
    const href = csvHref("/api/v1/dashboard/timeline", { kind: ["deploy", "alarm"], q: "a&b", gate: "", source: null, points: 120 });
    const url = new URL(href, "http://x");
    expect(url.pathname).toBe("/api/v1/dashboard/timeline");
    expect(url.searchParams.getAll("kind")).toEqual(["deploy", "alarm"]);
    expect(url.searchParams.get("q")).toBe("a&b");
    expect(url.searchParams.has("gate")).toBe(false);
    expect(url.searchParams.has("source")).toBe(false);
    expect(url.searchParams.get("points")).toBe("120");
    expect(url.searchParams.get("format")).toBe("csv");
  });
});
