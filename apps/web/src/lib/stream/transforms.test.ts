import { applyGate, applySamples, compareEventIds, prependTimeline } from "./transforms";
import { event, gate, iso, metric, summary, T0 } from "../../../test/fixtures";

describe("applySamples", () => {
  it("appends points, updates the latest value and takes the server's severity", () => {
    const next = applySamples(summary(), [
      { source: "rover-07", metric: "core.temp", value: 71.8, unit: "°C", ts: iso(T0 + 1000), severity: "warn" },
    ]);
    const m = next.metrics[0]!;
    expect(m.value).toBe(71.8);
    expect(m.severity).toBe("warn");
    expect(m.sparkline.at(-1)).toEqual({ ts: iso(T0 + 1000), value: 71.8, min: 71.8, max: 71.8 });
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
    expect(m.sparkline.at(-1)).toEqual({ ts, value: 62, min: 62, max: 62 });
  });

  it("leaves the latest value alone when only late or replayed samples arrive", () => {
    const s = summary({ metrics: [metric({ stale: true })] });
    const replay = applySamples(s, [{ source: "rover-07", metric: "core.temp", value: 99, unit: null, ts: iso(T0), severity: "critical" }]).metrics[0]!;
    expect(replay).toMatchObject({ value: 60, stale: true, severity: "ok" });
  });

  it("keeps sparklines ordered, de-duplicated and capped", () => {
    const many = Array.from({ length: 80 }, (_, i) => ({ source: "rover-07", metric: "core.temp", value: i, unit: null, ts: iso(T0 + (80 - i) * 1000), severity: "ok" as const }));
    const next = applySamples(summary(), [...many, many[0]!], 60);
    const spark = next.metrics[0]!.sparkline;
    expect(spark).toHaveLength(60);
    const times = spark.map((p) => Date.parse(p.ts));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(times).size).toBe(60);
    expect(next.metrics[0]!.value).toBe(0); // newest by device time, not arrival order
  });

  it("ignores late samples for the latest value", () => {
    const next = applySamples(summary(), [{ source: "rover-07", metric: "core.temp", value: 99, unit: null, ts: iso(T0 - 500), severity: "ok" }]);
    expect(next.metrics[0]!.value).toBe(60);
    expect(next.metrics[0]!.sparkline).toHaveLength(4);
  });

  it("clears staleness when a silent source speaks again", () => {
    const s = summary({ metrics: [metric({ stale: true })] });
    expect(applySamples(s, [{ source: "rover-07", metric: "core.temp", value: 61, unit: null, ts: iso(T0 + 5000), severity: "ok" }]).metrics[0]!.stale).toBe(false);
  });

  it("adds metrics the snapshot did not know", () => {
    const next = applySamples(summary(), [{ source: "relay-9", metric: "radio.rssi", value: -70, unit: "dBm", ts: iso(T0), severity: "ok" }]);
    expect(next.metrics.map((m) => m.metric)).toEqual(["core.temp", "radio.rssi"]);
  });

  it("returns the same object for an empty batch", () => {
    const s = summary();
    expect(applySamples(s, [])).toBe(s);
  });
});

describe("applyGate", () => {
  it("replaces the gate by slug and recounts", () => {
    const next = applyGate(summary(), gate({ status: "no-go", value: 90 }));
    expect(next.gates).toHaveLength(1);
    expect(next.gates[0]!.status).toBe("no-go");
    expect(next.counts.gates).toEqual({ go: 0, hold: 0, "no-go": 1, stale: 0, no_data: 0 });
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
