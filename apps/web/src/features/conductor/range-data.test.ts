import type { Gate, MetricSummary, Series } from "@chiron/api-client";
import { describe, expect, it } from "vitest";
import { fixedHistory, liveHistory, pointsFor } from "./range-data";

const T = Date.parse("2026-12-02T06:00:00Z");
const at = (ms: number) => new Date(ms).toISOString();

const metric: MetricSummary = {
  source: "rover-1",
  metric: "bus.voltage",
  value: 28,
  ts: at(T),
  unit: "V",
  severity: "warn",
  stale: false,
  last_seen_at: at(T),
  stale_after_s: 30,
  warn: 30,
  critical: 35,
  direction: "above",
  sparkline: [
    { ts: at(T - 20_000), value: 27, min: 26, max: 27 },
    { ts: at(T - 10_000), value: 28, min: 28, max: 29 },
  ],
};
const series: Series = {
  source: "rover-1",
  metric: "bus.voltage",
  unit: "V",
  bucket_seconds: 600,
  points: [
    { ts: at(T - 3600_000), mean: 20, min: 10, max: 40, count: 5 },
    { ts: at(T - 1200_000), mean: 25, min: 24, max: 36, count: 5 },
    { ts: at(T - 15_000), mean: 27, min: 26, max: 29, count: 5 },
  ],
};

describe("liveHistory", () => {
  it("puts the window's rollups before the live buckets, dropping what the live buckets cover and what is before the window", () => {
    const out = liveHistory(metric, series, T - 1800_000);
    expect(out.sparkline.map((p) => p.ts)).toEqual([at(T - 1200_000), at(T - 20_000), at(T - 10_000)]);
    expect(out.sparkline[0]).toEqual({ ts: at(T - 1200_000), value: 25, min: 24, max: 36 });
    // Today's reading and level stay the server's live ones.
    expect(out.value).toBe(28);
    expect(out.severity).toBe("warn");
  });

  it("leaves out a rollup that overlaps the live buckets (its readings are in them)", () => {
    const overlapping: Series = { ...series, bucket_seconds: 60, points: [{ ts: at(T - 50_000), mean: 26, min: 26, max: 27, count: 2 }] };
    expect(liveHistory(metric, overlapping, T - 1800_000)).toBe(metric);
  });

  it("with no live buckets yet, keeps every rollup in the window", () => {
    const quiet = { ...metric, sparkline: [] };
    expect(liveHistory(quiet, series, T - 1800_000).sparkline.map((p) => p.ts)).toEqual([at(T - 1200_000), at(T - 15_000)]);
  });

  it("keeps a rollup that ends exactly where the live buckets start, and one starting exactly at the window", () => {
    // [T-620 s, T-20 s) ends on the first live bucket: no reading of it is in the live ones.
    const edge: Series = { ...series, bucket_seconds: 600, points: [{ ts: at(T - 620_000), mean: 22, min: 21, max: 23, count: 4 }] };
    expect(liveHistory(metric, edge, T - 620_000).sparkline.map((p) => p.ts)).toEqual([at(T - 620_000), at(T - 20_000), at(T - 10_000)]);
    // One millisecond later and the bucket starts before the window: left out.
    expect(liveHistory(metric, edge, T - 619_999)).toBe(metric);
  });

  it("is the metric itself until the series arrives", () => {
    expect(liveHistory(metric, undefined, T - 1800_000)).toBe(metric);
  });
});

describe("fixedHistory", () => {
  const gate = { source: "rover-1", metric: "bus.voltage", status: "no-go", stale: false } as Gate;
  it("draws the range's buckets with their min–max, the last mean as the value and the gate's level then", () => {
    const out = fixedHistory(metric, series, gate);
    expect(out.sparkline).toHaveLength(3);
    expect(out.sparkline[0]).toEqual({ ts: at(T - 3600_000), value: 20, min: 10, max: 40 });
    expect(out.value).toBe(27);
    expect(out.ts).toBe(at(T - 15_000));
    expect(out.severity).toBe("critical");
  });

  it("is level ok without a gate, and stale when the gate was stale then", () => {
    expect(fixedHistory(metric, series, undefined).severity).toBe("ok");
    expect(fixedHistory(metric, series, { ...gate, status: "go", stale: true }).stale).toBe(true);
  });
});

it("pointsFor fits about one bucket per 2 px, within the API's 1–2000", () => {
  expect(pointsFor(240)).toBe(120);
  expect(pointsFor(10)).toBe(20);
  expect(pointsFor(100_000)).toBe(2000);
});
