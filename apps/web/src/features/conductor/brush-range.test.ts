import { describe, expect, it } from "vitest";
import { brushRange, clampToPlot, MIN_DRAG_PX, timeAt, type BrushAxis } from "./brush-range";

const T = Date.parse("2026-12-02T06:00:00Z");
// A 1000 px chart whose plot runs from x=100 to x=900: 800 px for one hour, 4.5 s a px.
const axis: BrushAxis = { from: T, to: T + 3600_000, width: 1000, left: 100, right: 100 };

describe("brushRange", () => {
  it("maps the plot's edges to the axis's ends and a point between linearly", () => {
    expect(timeAt(100, axis)).toBe(T);
    expect(timeAt(900, axis)).toBe(T + 3600_000);
    expect(timeAt(300, axis)).toBe(T + 900_000);
    expect(brushRange(300, 500, axis)).toEqual({ from: T + 900_000, to: T + 1800_000 });
  });

  it("orders a drag made right to left", () => {
    expect(brushRange(500, 300, axis)).toEqual({ from: T + 900_000, to: T + 1800_000 });
  });

  it("holds a drag past either edge to the plot, so the range stays on the axis", () => {
    expect(clampToPlot(20, axis)).toBe(100);
    expect(clampToPlot(990, axis)).toBe(900);
    expect(brushRange(-50, 2000, axis)).toEqual({ from: T, to: T + 3600_000 });
  });

  it("is a click, not a range, under the minimum drag; from the minimum on it is a range", () => {
    expect(brushRange(300, 300 + MIN_DRAG_PX - 1, axis)).toBeNull();
    expect(brushRange(300, 300 + MIN_DRAG_PX, axis)).toEqual({ from: T + 900_000, to: T + 900_000 + MIN_DRAG_PX * 4500 });
    // Both ends past the same edge collapse onto it: a click.
    expect(brushRange(950, 990, axis)).toBeNull();
  });

  it("gives whole milliseconds", () => {
    const odd: BrushAxis = { ...axis, to: T + 1000 };
    const r = brushRange(101, 333, odd)!;
    expect(Number.isInteger(r.from) && Number.isInteger(r.to)).toBe(true);
    expect(r).toEqual({ from: T + 1, to: T + 291 });
  });
});
