/** How each metric's numbers read: decimals by unit and magnitude, a real minus sign, gauge ranges, trends. */
import type { MetricSummary } from "@chiron/api-client";

const WHOLE_UNITS = new Set(["dBm", "ms", "W"]);

export function metricFormatter(unit: string | null | undefined, sample?: number | null): (v: number) => string {
  return (v: number) => {
    const ref = Math.abs(sample ?? v);
    const whole = (unit && WHOLE_UNITS.has(unit)) || ref >= 100 || (unit === "%" && ref >= 10);
    const decimals = whole ? 0 : ref < 1 && unit !== "%" ? 2 : 1;
    return v.toFixed(decimals).replace(/^-/, "\u2212");
  };
}

export const thresholdSymbol = (direction: "above" | "below" | null | undefined) => (direction === "below" ? "<" : ">");

/** A readable gauge scale covering the history, the value and both thresholds. */
export function gaugeRange(
  m: Pick<MetricSummary, "unit" | "warn" | "critical"> & {
    value: number | null | undefined;
    sparkline: readonly { ts?: string; value: number }[];
  },
): { min: number; max: number } {
  if (m.unit === "%") return { min: 0, max: 100 };
  const values = [...m.sparkline.map((p) => p.value), m.value, m.warn, m.critical].filter(
    (v): v is number => v !== null && v !== undefined && Number.isFinite(v),
  );
  if (!values.length) return { min: 0, max: 1 };
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || Math.abs(hi) || 1;
  const step = 10 ** Math.floor(Math.log10(span));
  const min = Math.floor((lo - span * 0.25) / step) * step;
  const max = Math.ceil((hi + span * 0.25) / step) * step;
  return { min: lo >= 0 && min < 0 ? 0 : min, max };
}

/** Change per minute over the sparkline's last few minutes (null when too little history). */
export function trendPerMinute(m: Pick<MetricSummary, "sparkline">, windowMs = 4 * 60_000): number | null {
  const pts = m.sparkline;
  const last = pts[pts.length - 1];
  if (!last || pts.length < 3) return null;
  const tLast = Date.parse(last.ts);
  const first = pts.find((p) => tLast - Date.parse(p.ts) <= windowMs) ?? pts[0]!;
  const dt = tLast - Date.parse(first.ts);
  if (dt <= 0) return null;
  return ((last.value - first.value) / dt) * 60_000;
}
