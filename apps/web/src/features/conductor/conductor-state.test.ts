import { describe, expect, it } from "vitest";
import { closestWindow, conductorReducer, LIVE_DEFAULT, rangeOf, type ConductorState } from "./conductor-state";

const T = Date.parse("2026-12-02T06:00:00Z");

describe("conductorReducer", () => {
  it("switches live windows and follows now", () => {
    const s = conductorReducer(LIVE_DEFAULT, { type: "window", window: "6h" });
    expect(s).toEqual({ mode: "live", window: "6h", pausedAt: null });
    expect(rangeOf(s, T)).toEqual({ from: T - 6 * 3600_000, to: T, following: true, mode: "live" });
  });

  it("pause freezes the range at the pause instant; resume follows now again", () => {
    const paused = conductorReducer(LIVE_DEFAULT, { type: "pause", now: T });
    expect(rangeOf(paused, T + 60_000)).toEqual({ from: T - 15 * 60_000, to: T, following: false, mode: "live" });
    // A second pause does not move the frozen instant.
    expect(conductorReducer(paused, { type: "pause", now: T + 5000 })).toBe(paused);
    const resumed = conductorReducer(paused, { type: "resume" });
    expect(rangeOf(resumed, T + 60_000).to).toBe(T + 60_000);
    expect(rangeOf(resumed, T + 60_000).following).toBe(true);
  });

  it("a range goes fixed, ordered, and ignores one shorter than 10 s", () => {
    const fixed = conductorReducer(LIVE_DEFAULT, { type: "range", from: T, to: T - 3600_000 });
    expect(fixed).toEqual({ mode: "fixed", from: T - 3600_000, to: T });
    expect(rangeOf(fixed, T + 999_999)).toEqual({ from: T - 3600_000, to: T, following: false, mode: "fixed" });
    expect(conductorReducer(fixed, { type: "range", from: T, to: T + 5000 })).toBe(fixed);
    expect(conductorReducer(fixed, { type: "range", from: Number.NaN, to: T })).toBe(fixed);
  });

  it("pause and resume do nothing to a fixed range", () => {
    const fixed: ConductorState = { mode: "fixed", from: T - 60_000, to: T };
    expect(conductorReducer(fixed, { type: "pause", now: T })).toBe(fixed);
    expect(conductorReducer(fixed, { type: "resume" })).toBe(fixed);
  });

  it("jump to now returns to live in the window nearest the range, unpaused", () => {
    const fixed: ConductorState = { mode: "fixed", from: T - 5 * 3600_000, to: T };
    expect(conductorReducer(fixed, { type: "now" })).toEqual({ mode: "live", window: "6h", pausedAt: null });
    const paused: ConductorState = { mode: "live", window: "1h", pausedAt: T };
    expect(conductorReducer(paused, { type: "now" })).toEqual({ mode: "live", window: "1h", pausedAt: null });
    expect(conductorReducer(LIVE_DEFAULT, { type: "now" })).toBe(LIVE_DEFAULT);
  });

  it("closestWindow picks the nearest live window", () => {
    expect(closestWindow(60_000)).toBe("15m");
    expect(closestWindow(50 * 60_000)).toBe("1h");
    expect(closestWindow(30 * 3600_000)).toBe("24h");
  });
});
