import { gaugeRange, metricFormatter, trendPerMinute } from "./metric-format";

describe("metric formatting", () => {
  it("formats by unit and magnitude with a real minus", () => {
    expect(metricFormatter("V")(28.41)).toBe("28.4");
    expect(metricFormatter("%")(64.2)).toBe("64");
    expect(metricFormatter("dBm")(-71.3)).toBe("\u221271");
    expect(metricFormatter("m")(0.214)).toBe("0.21");
    expect(metricFormatter("ms")(142.2)).toBe("142");
  });

  it("derives a gauge range that holds the thresholds", () => {
    const r = gaugeRange({ unit: "V", value: 28.4, warn: 27, critical: 26, sparkline: [{ ts: "2025-01-01T00:00:00Z", value: 28 }] });
    expect(r.min).toBeLessThanOrEqual(26);
    expect(r.max).toBeGreaterThanOrEqual(28.4);
    expect(gaugeRange({ unit: "%", value: 64, warn: 25, critical: 15, sparkline: [] })).toEqual({ min: 0, max: 100 });
  });

  it("computes a per-minute trend", () => {
    const sparkline = [0, 1, 2, 3].map((i) => ({ ts: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(), value: 10 + i * 0.5, min: 10 + i * 0.5, max: 10 + i * 0.5 }));
    expect(trendPerMinute({ sparkline })).toBeCloseTo(0.5);
  });
});
