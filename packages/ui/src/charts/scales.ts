/**
 * The scales the primitives need, in a few lines: linear (optionally clamped)
 * and UTC time with d3's tick choice. @visx/scale (d3-scale) would also bring
 * d3-interpolate, d3-color, d3-format and d3-time-format, about 19 kB
 * compressed of the dashboard's 250 kB budget (docs/performance.md).
 */

export type LinearScaleConfig = {
  /** Input extent. */
  domain: readonly [number, number];
  /** Output extent (pixels or radians). */
  range: readonly [number, number];
  /** Clamp inputs to the domain. */
  clamp?: boolean;
};

/** Maps the domain linearly onto the range (a flat domain maps to the range's midpoint, as d3 does). */
export function scaleLinear({ domain: [d0, d1], range: [r0, r1], clamp = false }: LinearScaleConfig): (value: number) => number {
  if (d0 === d1) return () => (r0 + r1) / 2;
  const lo = Math.min(d0, d1);
  const hi = Math.max(d0, d1);
  const k = (r1 - r0) / (d1 - d0);
  return (value) => r0 + ((clamp ? Math.min(hi, Math.max(lo, value)) : value) - d0) * k;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** d3-time's tick steps up to two days (the timeline never spans more). */
const STEPS = [1, 5, 15, 30].map((n) => n * SECOND).concat([1, 5, 15, 30].map((n) => n * MINUTE), [1, 3, 6, 12].map((n) => n * HOUR), [DAY, 2 * DAY]);

export type TimeScale = ((t: number | Date) => number) & {
  /** About `count` UTC-aligned tick times inside the domain, as d3's scaleUtc().ticks(count). */
  ticks: (count: number) => Date[];
};

/** A UTC time scale from epoch-ms (or Date) to the range. */
export function scaleTime({ domain: [from, to], range }: { domain: readonly [number, number]; range: readonly [number, number] }): TimeScale {
  const linear = scaleLinear({ domain: [from, to], range });
  const scale = ((t: number | Date) => linear(typeof t === "number" ? t : t.getTime())) as TimeScale;
  scale.ticks = (count) => {
    const span = Math.abs(to - from);
    if (!(span > 0) || count <= 0) return [];
    const target = span / count;
    const i = STEPS.findIndex((s) => s > target);
    const step =
      i === -1 ? STEPS[STEPS.length - 1]! : i === 0 ? STEPS[0]! : target / STEPS[i - 1]! < STEPS[i]! / target ? STEPS[i - 1]! : STEPS[i]!;
    const out: Date[] = [];
    for (let t = Math.ceil(Math.min(from, to) / step) * step; t <= Math.max(from, to); t += step) out.push(new Date(t));
    return out;
  };
  return scale;
}
