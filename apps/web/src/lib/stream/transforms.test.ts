import { applyGate, applyMetricState, applySamples, compareEventIds, prependTimeline, SPARK_BUCKET_MS } from "./transforms";
import { event, gate, iso, metric, summary, T0 } from "../../../test/fixtures";

describe("applySamples", () => {
  it("appends points, updates the latest value and takes the server's severity", () => {
    const next = applySamples(summary(), [
      { source: "rover-07", metric: "core.temp", value: 71.8, unit: "°C", ts: iso(T0 + 1000), severity: "warn" },
    ]);
    const m = next.metrics[0]!;
    expect(m.value).toBe(71.8);
    expect(m.severity).toBe("warn");
    // T0 + 1 s falls in the bucket of T0, which already holds the reading 60 (the snapshot's
    // sparkline points are one per second here): the bucket widens and ends at the new reading.
    expect(m.sparkline.at(-1)).toEqual({ ts: iso(T0), value: 71.8, min: 60, max: 71.8 });
    expect(next.gates[0]!.value).toBe(71.8);
    expect(next.gates[0]!.status).toBe("go"); // status is the server's call (hysteresis)
    expect(next.counts.samples_total).toBe(11);
  });

  it("draws the severity the server sent, never one from the thresholds", () => {
    const at = (value: number, severity: "ok" | "warn" | "critical") =>
      applySamples(summary(), [{ source: "rover-07", metric: "core.temp", value, unit: "°C", ts: iso(T0 + 1000), severity }]).metrics[0]!.severity;
    expect(at(90, "ok")).toBe("ok"); // past critical 85 by the numbers: the server's word stands
    expect(at(70, "warn")).toBe("warn"); // at the warn line
  });

  it("takes the last reading sent for one time: value and severity from the same sample", () => {
    const ts = iso(T0 + 1000);
    const m = applySamples(summary(), [
      { source: "rover-07", metric: "core.temp", value: 60, unit: "°C", ts, severity: "ok" },
      { source: "rover-07", metric: "core.temp", value: 62, unit: "°C", ts, severity: "warn" },
    ]).metrics[0]!;
    expect(m).toMatchObject({ value: 62, severity: "warn" });
    expect(m.sparkline.at(-1)).toMatchObject({ value: 62, max: 62 });
  });

  it("leaves the latest value alone when only late or replayed samples arrive", () => {
    const s = summary({ metrics: [metric({ stale: true })] });
    const replay = applySamples(s, [{ source: "rover-07", metric: "core.temp", value: 99, unit: null, ts: iso(T0), severity: "critical" }]).metrics[0]!;
    expect(replay).toMatchObject({ value: 60, stale: true, severity: "ok" });
  });

  it("keeps the window: samples merge into 10 s buckets (min / max / last), never the last N raw points", () => {
    // 80 readings, one per second, newest first by arrival: 8 buckets, not 60 raw points.
    const many = Array.from({ length: 80 }, (_, i) => ({ source: "rover-07", metric: "core.temp", value: i, unit: null, ts: iso(T0 + (80 - i) * 1000), severity: "ok" as const }));
    const next = applySamples(summary(), [...many, many[0]!]);
    const spark = next.metrics[0]!.sparkline;
    const times = spark.map((p) => Date.parse(p.ts));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
    expect(times.every((t) => t % SPARK_BUCKET_MS === 0)).toBe(true);
    // The snapshot's bucket (T0 - 2 s .. T0) is kept, and the history is still there.
    expect(spark.length).toBeLessThanOrEqual(10);
    expect(Date.parse(spark[0]!.ts)).toBeLessThanOrEqual(T0);
    // The newest bucket (T0 + 80 s) holds only the reading 0.
    expect(spark.at(-1)).toEqual({ ts: iso(T0 + 80_000), value: 0, min: 0, max: 0 });
    // The bucket of T0 + 70..79 s holds readings 1..10: its envelope says so, its value is the last reading.
    expect(spark.at(-2)).toMatchObject({ min: 1, max: 10 });
    expect(next.metrics[0]!.value).toBe(0); // newest by device time, not arrival order
  });

  it("keeps a spike in the bucket's envelope", () => {
    const base = T0 + 30_000;
    const batch = [50, 51, 999, 49, 50].map((value, i) => ({ source: "rover-07", metric: "core.temp", value, unit: null, ts: iso(base + i * 100), severity: "ok" as const }));
    const last = applySamples(summary(), batch).metrics[0]!.sparkline.at(-1)!;
    expect(last).toEqual({ ts: iso(base), value: 50, min: 49, max: 999 });
  });

  it("drops buckets older than the window as live buckets arrive", () => {
    const old = metric({ sparkline: Array.from({ length: 60 }, (_, i) => ({ ts: iso(T0 - (59 - i) * SPARK_BUCKET_MS), value: i, min: i, max: i })) });
    const next = applySamples(summary({ metrics: [old] }), [{ source: "rover-07", metric: "core.temp", value: 1, unit: null, ts: iso(T0 + 3 * SPARK_BUCKET_MS), severity: "ok" }]);
    const spark = next.metrics[0]!.sparkline;
    expect(spark).toHaveLength(58); // a 60-bucket window ending at the new one: 3 dropped off, 57 kept + 1 new
    expect(Date.parse(spark[0]!.ts)).toBe(T0 - 56 * SPARK_BUCKET_MS);
    expect(spark.at(-1)!.value).toBe(1);
  });

  it("keeps batch order: of readings sent without a time (stamped in order), the last one sent is the latest", () => {
    // The server stamps a batch without device times in its order; 60, 61, 62 -> 62 everywhere.
    const batch = [60, 61, 62].map((value, i) => ({ source: "rover-07", metric: "core.temp", value, unit: null, ts: iso(T0 + 5000 + i), severity: "ok" as const }));
    const next = applySamples(summary(), batch);
    expect(next.metrics[0]!.value).toBe(62);
    expect(next.gates[0]!.value).toBe(62);
    expect(next.metrics[0]!.sparkline.at(-1)).toMatchObject({ value: 62, min: 60, max: 62 });
  });

  it("ignores late samples for the latest value", () => {
    const next = applySamples(summary(), [{ source: "rover-07", metric: "core.temp", value: 99, unit: null, ts: iso(T0 - 500), severity: "ok" }]);
    expect(next.metrics[0]!.value).toBe(60);
    const spark = next.metrics[0]!.sparkline;
    expect(spark.at(-1)).toEqual({ ts: iso(T0), value: 60, min: 60, max: 60 });
    expect(spark.at(-2)).toMatchObject({ value: 59, min: 58, max: 99 }); // the late reading widens its own bucket
  });

  it("clears staleness when a silent source speaks again", () => {
    const s = summary({ metrics: [metric({ stale: true })] });
    expect(applySamples(s, [{ source: "rover-07", metric: "core.temp", value: 61, unit: null, ts: iso(T0 + 5000), severity: "ok" }]).metrics[0]!.stale).toBe(false);
  });

  it("adds metrics the snapshot did not know, with consistent numbers", () => {
    const batch = [
      { source: "relay-9", metric: "radio.rssi", value: -70, unit: "dBm", ts: iso(T0), severity: "ok" as const },
      { source: "relay-9", metric: "radio.rssi", value: -90, unit: "dBm", ts: iso(T0 + 1000), severity: "warn" as const },
    ];
    const next = applySamples(summary(), batch);
    expect(next.metrics.map((m) => m.metric)).toEqual(["core.temp", "radio.rssi"]);
    const m = next.metrics[1]!;
    expect(m).toMatchObject({ value: -90, severity: "warn", last_seen_at: iso(T0 + 1000) });
    expect(m.sparkline).toEqual([{ ts: iso(T0), value: -90, min: -90, max: -70 }]);
  });

  it("returns the same object for an empty batch", () => {
    const s = summary();
    expect(applySamples(s, [])).toBe(s);
  });
});

describe("applyMetricState", () => {
  const state = (over: Partial<{ stale: boolean; last_seen_at: string; stale_after_s: number; source: string }> = {}) => ({
    source: "rover-07",
    metric: "core.temp",
    stale: true,
    last_seen_at: iso(T0),
    stale_after_s: 12,
    ...over,
  });

  it("marks a silent metric stale with the server's limit, and fresh again", () => {
    const stale = applyMetricState(summary(), state());
    expect(stale.metrics[0]).toMatchObject({ stale: true, stale_after_s: 12, last_seen_at: iso(T0) });
    expect(stale.gates[0]!.stale).toBe(false); // a gate's own staleness arrives as a gate event
    const fresh = applyMetricState(stale, state({ stale: false, last_seen_at: iso(T0 + 40_000) }));
    expect(fresh.metrics[0]).toMatchObject({ stale: false, last_seen_at: iso(T0 + 40_000) });
  });

  it("never moves last_seen_at back for an older fresh event", () => {
    const later = summary({ metrics: [metric({ last_seen_at: iso(T0 + 9000) })] });
    expect(applyMetricState(later, state({ stale: false, last_seen_at: iso(T0), stale_after_s: 30 })).metrics[0]!.last_seen_at).toBe(iso(T0 + 9000));
  });

  it("returns the same summary for a series it does not know", () => {
    const s = summary();
    expect(applyMetricState(s, state({ source: "ghost" }))).toBe(s);
  });
});

describe("applyGate", () => {
  it("replaces the gate by slug and recounts", () => {
    const next = applyGate(summary(), gate({ status: "no-go", value: 90 }));
    expect(next.gates).toHaveLength(1);
    expect(next.gates[0]!.status).toBe("no-go");
    expect(next.counts.gates).toEqual({ go: 0, hold: 0, "no-go": 1, stale: 0, no_data: 0 });
  });

  it("counts a gate with no data apart, never as GO", () => {
    const next = applyGate(summary(), gate({ status: "go", no_data: true, stale: true, last_seen_at: null, value: null }));
    expect(next.counts.gates).toEqual({ go: 0, hold: 0, "no-go": 0, stale: 0, no_data: 1 });
  });

  it("inserts unknown gates in position order", () => {
    const next = applyGate(summary(), gate({ slug: "first", position: 0, status: "hold" }));
    expect(next.gates.map((g) => g.slug)).toEqual(["first", "thermal"]);
    expect(next.counts.gates).toEqual({ go: 1, hold: 1, "no-go": 0, stale: 0, no_data: 0 });
  });
});

describe("prependTimeline", () => {
  it("prepends once", () => {
    const page = { items: [event({ id: 1 })], next_cursor: null };
    const next = prependTimeline(page, event({ id: 2 }));
    expect(next.items.map((e) => e.id)).toEqual([2, 1]);
    expect(prependTimeline(next, event({ id: 2 }))).toBe(next);
  });

  it("replaces an event heard again with new text (an edited log entry) in place", () => {
    const page = { items: [event({ id: 2, body: "Heater on" }), event({ id: 1 })], next_cursor: null };
    const next = prependTimeline(page, event({ id: 2, body: "Heater ON at 40%" }));
    expect(next.items.map((e) => [e.id, e.body])).toEqual([
      [2, "Heater ON at 40%"],
      [1, page.items[1]!.body],
    ]);
  });
});

describe("compareEventIds", () => {
  it("orders Redis-style ids numerically", () => {
    expect(compareEventIds("1700000000000-2", "1700000000000-10")).toBe(-1);
    expect(compareEventIds("1700000000001-0", "1700000000000-99")).toBe(1);
    expect(compareEventIds("9", "10")).toBe(-1);
    expect(compareEventIds("5-0", "5-0")).toBe(0);
  });
});
