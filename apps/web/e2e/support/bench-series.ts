/**
 * The benchmarks' fleet: 4 sources x 5 metrics with units and nominal ranges; metric 0 of each
 * source is the gated one (so gauges render). `prefix` keeps each bench's series apart.
 */
export const METRICS = [
  { metric: "core_temp", unit: "°C", base: 52, amp: 6 },
  { metric: "bus_voltage", unit: "V", base: 27.8, amp: 0.4 },
  { metric: "cpu_load", unit: "%", base: 40, amp: 15 },
  { metric: "link_rssi", unit: "dBm", base: -62, amp: 5 },
  { metric: "fan_rpm", unit: "rpm", base: 3200, amp: 300 },
];

export function seriesFor(prefix: string, hex: string) {
  const sources = [1, 2, 3, 4].map((i) => `${prefix}-${i}-${hex}`);
  return sources.flatMap((source, si) =>
    METRICS.map((m, mi) => ({ source, metric: `${prefix}.${m.metric}_${hex}`, unit: m.unit, base: m.base, amp: m.amp, phase: si * 0.7 + mi * 1.3 })),
  );
}
