import { downsampleToWidth } from "./downsample";

type B = { t: number; v: number; lo: number; hi: number };
const getY = (d: B) => d.v;
const getMin = (d: B) => d.lo;
const getMax = (d: B) => d.hi;

describe("downsampleToWidth", () => {
  it("keeps a 999 spike among values near 50 (issue #20)", () => {
    const data: B[] = Array.from({ length: 5000 }, (_, i) => ({ t: i, v: 50 + (i % 7) / 10, lo: 49, hi: 51 }));
    data[3210] = { t: 3210, v: 999, lo: 49, hi: 999 };
    const out = downsampleToWidth(data, 180, getY);
    expect(out.length).toBeLessThanOrEqual(180 * 4);
    expect(out.length).toBeLessThan(data.length);
    expect(Math.max(...out.map(getY))).toBe(999);
    expect(Math.min(...out.map(getY))).toBe(50);
    // Oldest first, the first and last points kept.
    expect(out.map((d) => d.t)).toEqual([...out.map((d) => d.t)].sort((a, b) => a - b));
    expect(out[0]!.t).toBe(0);
    expect(out.at(-1)!.t).toBe(4999);
  });

  it("keeps the envelope's extremes: a spike inside a bucket whose mean stayed near 50", () => {
    const data: B[] = Array.from({ length: 2000 }, (_, i) => ({ t: i, v: 50, lo: 49, hi: 51 }));
    data[777] = { t: 777, v: 50, lo: 2, hi: 999 }; // its mean is like its neighbours
    const out = downsampleToWidth(data, 100, getY, getMin, getMax);
    expect(Math.max(...out.map(getMax))).toBe(999);
    expect(Math.min(...out.map(getMin))).toBe(2);
  });

  it("returns the data itself when the chart is wide enough", () => {
    const data: B[] = Array.from({ length: 120 }, (_, i) => ({ t: i, v: i, lo: i, hi: i }));
    expect(downsampleToWidth(data, 180, getY)).toBe(data);
  });
});
