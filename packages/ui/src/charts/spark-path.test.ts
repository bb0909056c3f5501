import { curveMonotoneX } from "@visx/curve";
import { area, line } from "@visx/shape";
import { sparkArea, sparkLine } from "./spark-path";

type P = { x: number; y: number };
const d3Line = line<P>({ x: (p) => p.x, y: (p) => p.y, curve: curveMonotoneX });
const d3Area = (base: number) => area<P>({ x: (p) => p.x, y0: base, y1: (p) => p.y, curve: curveMonotoneX });

/**
 * Our area against d3's: the same outline up to the bottom right corner, then d3 runs flat curves
 * along y = base to the first x (every point at y = base) where ours draws one straight segment.
 */
function expectSameArea(ours: string, pts: P[], base: number) {
  const d3 = d3Area(base)(pts)!;
  const corner = d3.indexOf(`L${Math.round(pts.at(-1)!.x * 1000) / 1000},${base}`);
  expect(corner).toBeGreaterThan(0);
  const head = d3.slice(0, d3.indexOf(",", corner) + 1 + String(base).length);
  const tail = d3.slice(head.length);
  const nums = [...tail.matchAll(/-?[\d.]+/g)].map((m) => Number(m[0]));
  nums.forEach((v, i) => i % 2 === 1 && expect(v).toBe(base));
  const firstX = Math.round(pts[0]!.x * 1000) / 1000;
  if (nums.length) expect(nums.at(-2)).toBe(firstX);
  expect(tail.endsWith("Z")).toBe(true);
  expect(ours).toBe(`${head}L${firstX},${base}Z`);
}

// A small deterministic generator: the same "random" series on every run.
function series(n: number, seed: number): P[] {
  let s = seed;
  const next = () => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  return Array.from({ length: n }, (_, i) => ({ x: 5 + i * (170 / Math.max(1, n - 1)), y: 5 + next() * 24 }));
}

describe("spark paths", () => {
  it("equal d3's monotone-x line digit for digit, and its area's outline", () => {
    for (const [n, seed] of [[120, 1], [2, 7], [3, 9], [37, 11], [530, 13]] as const) {
      const pts = series(n, seed);
      const xs = pts.map((p) => p.x);
      const ys = pts.map((p) => p.y);
      const l = sparkLine(xs, ys);
      expect(l).toBe(d3Line(pts));
      expectSameArea(sparkArea(xs, l, 34), pts, 34);
    }
  });

  it("equal d3 where points repeat, stand still or go back (a flat day, one point, equal times)", () => {
    const cases: P[][] = [
      [{ x: 5, y: 10 }],
      [{ x: 5, y: 10 }, { x: 5, y: 10 }],
      [{ x: 5, y: 10 }, { x: 5, y: 12 }, { x: 9, y: 12 }, { x: 9, y: 12 }, { x: 20, y: 3 }],
      Array.from({ length: 10 }, (_, i) => ({ x: 5 + i * 10, y: 17 })),
      [{ x: 50, y: 1 }, { x: 40, y: 2 }, { x: 40, y: 9 }, { x: 60, y: 4 }],
      [{ x: 50, y: 1 }, { x: 40, y: 2 }, { x: 40, y: 9 }, { x: 30, y: 4 }, { x: 35, y: 6 }],
    ];
    for (const pts of cases) {
      const xs = pts.map((p) => p.x);
      const ys = pts.map((p) => p.y);
      const l = sparkLine(xs, ys);
      expect(l).toBe(d3Line(pts));
      expectSameArea(sparkArea(xs, l, 34), pts, 34);
    }
    expect(sparkLine([], [])).toBe("");
  });
});
