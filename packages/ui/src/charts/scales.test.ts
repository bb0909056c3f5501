import { scaleLinear, scaleTime } from "./scales";

describe("scaleLinear", () => {
  it("maps, inverts direction and clamps", () => {
    const y = scaleLinear({ domain: [0, 10], range: [100, 0] });
    expect(y(0)).toBe(100);
    expect(y(2.5)).toBe(75);
    expect(y(20)).toBe(-100);
    const a = scaleLinear({ domain: [0, 10], range: [0, 1], clamp: true });
    expect(a(-5)).toBe(0);
    expect(a(15)).toBe(1);
  });

  it("maps a flat domain to the middle of the range", () => {
    expect(scaleLinear({ domain: [3, 3], range: [0, 10] })(3)).toBe(5);
  });
});

describe("scaleTime", () => {
  const T = Date.UTC(2025, 5, 1, 14, 0, 0);

  it("places times linearly", () => {
    const x = scaleTime({ domain: [T, T + 60_000], range: [0, 600] });
    expect(x(T + 30_000)).toBe(300);
    expect(x(new Date(T + 60_000))).toBe(600);
  });

  it("picks d3's UTC-aligned tick steps", () => {
    // 30 minutes in ~5 ticks: d3 chooses 5-minute steps.
    const x = scaleTime({ domain: [T - 30 * 60_000 + 7_000, T + 7_000], range: [0, 600] });
    expect(x.ticks(5).map((d) => d.toISOString().slice(11, 16))).toEqual(["13:35", "13:40", "13:45", "13:50", "13:55", "14:00"]);
    // 6 hours in ~4 ticks: 1-hour steps (6/4 = 1.5 h is nearer 1 h than 3 h).
    expect(scaleTime({ domain: [T, T + 6 * 3_600_000], range: [0, 1] }).ticks(4)).toHaveLength(7);
  });

  it("returns no ticks for an empty window", () => {
    expect(scaleTime({ domain: [T, T], range: [0, 1] }).ticks(5)).toEqual([]);
  });
});
