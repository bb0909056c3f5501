import { describe, expect, it } from "vitest";
import { LIVE_DEFAULT } from "./conductor-state";
import { parseConductor } from "./url-codec";
import { writeConductor } from "./url-write";

const q = (s: string) => new URLSearchParams(s);

describe("parseConductor", () => {
  it("reads a live window", () => {
    expect(parseConductor(q("window=1h"))).toEqual({ state: { mode: "live", window: "1h", pausedAt: null }, notice: null });
    expect(parseConductor(q(""))).toEqual({ state: LIVE_DEFAULT, notice: null });
  });

  it("reads a fixed range with offsets, in UTC", () => {
    const r = parseConductor(q("from=2026-12-02T06:00:00Z&to=2026-12-02T08:00:00%2B01:00"));
    expect(r.notice).toBeNull();
    expect(r.state).toEqual({ mode: "fixed", from: Date.parse("2026-12-02T06:00:00Z"), to: Date.parse("2026-12-02T07:00:00Z") });
  });

  it("reads Next's searchParams objects too", () => {
    expect(parseConductor({ window: ["6h", "1h"] }).state).toEqual({ mode: "live", window: "6h", pausedAt: null });
  });

  it.each([
    ["window=2h", /window=2h/],
    ["from=yesterday&to=2026-12-02T06:00:00Z", /from=yesterday/],
    ["from=2026-12-02T06:00:00&to=2026-12-02T07:00:00Z", /from=2026-12-02T06:00:00/],
    ["from=2026-12-02T06:00:00Z", /to=\(missing\)/],
    ["from=2026-12-02T07:00:00Z&to=2026-12-02T06:00:00Z", /before "to"/],
    ["from=2026-13-45T99:00:00Z&to=2026-12-02T06:00:00Z", /from=/],
  ])("falls back to live with a notice for %s", (search, why) => {
    const r = parseConductor(q(search));
    expect(r.state).toEqual(LIVE_DEFAULT);
    expect(r.notice).toMatch(why);
  });
});

describe("writeConductor", () => {
  it("round-trips every state through the URL, keeping other parameters", () => {
    const fixed = { mode: "fixed" as const, from: Date.parse("2026-12-02T06:00:00Z"), to: Date.parse("2026-12-02T06:30:15.250Z") };
    const url = writeConductor(fixed, q("offlineAfterMs=3000&window=1h"));
    expect(url.toString()).toBe("offlineAfterMs=3000&from=2026-12-02T06%3A00%3A00Z&to=2026-12-02T06%3A30%3A15.250Z");
    expect(parseConductor(url).state).toEqual(fixed);
    const live = { mode: "live" as const, window: "24h" as const, pausedAt: null };
    expect(parseConductor(writeConductor(live)).state).toEqual(live);
  });

  it("leaves the default view with a bare URL and does not share a pause", () => {
    expect(writeConductor(LIVE_DEFAULT).toString()).toBe("");
    expect(writeConductor({ mode: "live", window: "1h", pausedAt: 123 }).toString()).toBe("window=1h");
  });
});
