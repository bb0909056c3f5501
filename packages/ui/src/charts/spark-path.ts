/**
 * Path strings for the sparklines, built by string concatenation over plain number arrays: the
 * same line as d3-shape's `line` with `curveMonotoneX` (3 digits, as d3-path rounds), without
 * d3's per-command template calls, and the same region as its `area`. The area's top edge is the
 * line itself, so a frame of a morph builds the curve once for both paths (docs/performance.md, "Looking back over 10 M
 * samples").
 */

const k = 1000;
const r = (v: number) => Math.round(v * k) / k;

const sign = (x: number) => (x < 0 ? -1 : 1);

/**
 * A monotone-x curve through (xs[i], ys[i]) in the order of `order` (d3's `MonotoneX`: Steffen
 * 1990, coincident points skipped), from index `from` to `to` by `step`. `lead` starts it ("M"
 * for a new line, "L" to continue an area's outline).
 */
function monotone(xs: ArrayLike<number>, ys: ArrayLike<number>, from: number, to: number, step: 1 | -1, lead: "M" | "L"): { d: string; points: number } {
  let d = "";
  let n = 0;
  let x0 = NaN;
  let y0 = NaN;
  let x1 = NaN;
  let y1 = NaN;
  let t0 = NaN;
  const slope3 = (x2: number, y2: number) => {
    const h0 = x1 - x0;
    const h1 = x2 - x1;
    // d3's `h0 || (h1 < 0 && -0)`: a zero width divides by a zero of the other side's sign.
    const s0 = (y1 - y0) / (h0 || (h1 < 0 ? -0 : 0));
    const s1 = (y2 - y1) / (h1 || (h0 < 0 ? -0 : 0));
    const p = (s0 * h1 + s1 * h0) / (h0 + h1);
    return (sign(s0) + sign(s1)) * Math.min(Math.abs(s0), Math.abs(s1), 0.5 * Math.abs(p)) || 0;
  };
  const slope2 = (t: number) => {
    const h = x1 - x0;
    return h ? ((3 * (y1 - y0)) / h - t) / 2 : t;
  };
  const curve = (ta: number, tb: number) => {
    const dx = (x1 - x0) / 3;
    d += `C${r(x0 + dx)},${r(y0 + dx * ta)},${r(x1 - dx)},${r(y1 - dx * tb)},${r(x1)},${r(y1)}`;
  };
  for (let i = from; step > 0 ? i <= to : i >= to; i += step) {
    const x = +xs[i]!;
    const y = +ys[i]!;
    if (x === x1 && y === y1) continue;
    let t1 = NaN;
    if (n === 0) {
      n = 1;
      d += `${lead}${r(x)},${r(y)}`;
    } else if (n === 1) {
      n = 2;
    } else if (n === 2) {
      n = 3;
      t1 = slope3(x, y);
      curve(slope2(t1), t1);
    } else {
      t1 = slope3(x, y);
      curve(t0, t1);
    }
    x0 = x1;
    x1 = x;
    y0 = y1;
    y1 = y;
    t0 = t1;
  }
  if (n === 2) d += `L${r(x1)},${r(y1)}`;
  else if (n === 3) curve(t0, slope2(t0));
  return { d, points: n };
}

/** The line: d3 `line().curve(curveMonotoneX)` of the points. Empty for no points. */
export function sparkLine(xs: ArrayLike<number>, ys: ArrayLike<number>): string {
  if (xs.length === 0) return "";
  const { d, points } = monotone(xs, ys, 0, xs.length - 1, 1, "M");
  return points === 1 ? `${d}Z` : d;
}

/**
 * The area from the line down to `base`: the region d3 `area().curve(curveMonotoneX)` with
 * y0 = base fills. `line` is `sparkLine(xs, ys)`, its top edge; the flat bottom edge is one
 * straight segment (d3 draws it as a chain of flat curves: the same edge, three times the text).
 */
export function sparkArea(xs: ArrayLike<number>, line: string, base: number): string {
  const n = xs.length;
  if (n === 0) return "";
  // A one-point line ends in "Z"; the area closes only its whole outline.
  const top = line.endsWith("Z") ? line.slice(0, -1) : line;
  const b = r(base);
  return `${top}L${r(+xs[n - 1]!)},${b}L${r(+xs[0]!)},${b}Z`;
}
