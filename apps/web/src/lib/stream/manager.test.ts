import type { TelemetryPayload } from "@chiron/api-client";
import { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "../queries";
import { backoffDelay } from "./backoff";
import { createCacheSink } from "./cache-sink";
import { StreamManager, type AuthCheck, type EventSourceLike } from "./manager";
import { createSampleBuffer } from "./sample-buffer";
import { safeValidate } from "../validate";
import { iso, summary, T0 } from "../../../test/fixtures";

class FakeEventSource implements EventSourceLike {
  static all: FakeEventSource[] = [];
  listeners = new Map<string, ((ev: MessageEvent<string>) => void)[]>();
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, l: (ev: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data?: unknown, id = "") {
    const ev = { data: data === undefined ? "" : JSON.stringify(data), lastEventId: id } as MessageEvent<string>;
    this.listeners.get(type)?.forEach((l) => l(ev));
  }
}

const flush = () => vi.advanceTimersByTimeAsync(0);

function setup(auth: () => AuthCheck = () => "ok") {
  FakeEventSource.all = [];
  const payloads: [TelemetryPayload, string | null][] = [];
  const onUnauthorized = vi.fn();
  const manager = new StreamManager({
    createEventSource: (url) => new FakeEventSource(url),
    checkAuth: vi.fn(() => Promise.resolve(auth())),
    onPayload: (p, id) => payloads.push([p, id]),
    onUnauthorized,
    // The real generated schema, without the lazy chunk load.
    loadCheck: () => Promise.resolve((data) => safeValidate("zTelemetryPayload", data)),
    now: () => Date.now(),
    random: () => 0.5,
  });
  const last = () => FakeEventSource.all.at(-1)!;
  return { manager, payloads, onUnauthorized, last };
}

const samples = (value: number, ts = T0): TelemetryPayload => ({
  type: "samples",
  samples: [{ source: "rover-07", metric: "core.temp", value, unit: "°C", ts: iso(ts), severity: "ok" }],
});

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

describe("StreamManager", () => {
  it("opens from the snapshot cursor after an auth check and goes live", async () => {
    const { manager, last } = setup();
    manager.start("1000-0");
    expect(manager.getState().status).toBe("connecting");
    await flush();
    expect(last().url).toBe("/api/v1/dashboard/stream?last_event_id=1000-0");
    last().emit("open");
    expect(manager.getState().status).toBe("live");
  });

  it("resumes from the last id it applied and drops replays it already has", async () => {
    const { manager, last, payloads } = setup();
    manager.start("1000-0");
    await flush();
    last().emit("open");
    last().emit("samples", samples(1), "1001-0");
    last().emit("samples", samples(2), "1002-0");
    last().emit("error");
    expect(last().closed).toBe(true);
    expect(manager.getState().status).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1000);
    expect(last().url).toBe("/api/v1/dashboard/stream?last_event_id=1002-0");
    last().emit("samples", samples(2), "1002-0"); // duplicate from the replay
    last().emit("samples", samples(3), "1003-0");
    expect(payloads.map(([, id]) => id)).toEqual(["1001-0", "1002-0", "1003-0"]);
  });

  it("drops payloads that fail validation", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { manager, last, payloads } = setup();
    manager.start(null);
    await flush();
    expect(last().url).toBe("/api/v1/dashboard/stream");
    last().emit("gate", { type: "gate", gate: { slug: 1 } }, "5-0");
    expect(payloads).toHaveLength(0);
    expect(manager.getState().lastEventId).toBeNull();
    warn.mockRestore();
  });

  it("backs off with jitter and turns offline after the budget, then recovers", async () => {
    const { manager, last } = setup();
    manager.start("1-0");
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      last().emit("error");
      const s = manager.getState();
      delays.push(s.retryAt! - Date.now());
      await vi.advanceTimersByTimeAsync(s.retryAt! - Date.now());
    }
    // Capped at 5 s (issue 20: an API that is back is found within seconds).
    expect(delays).toEqual([750, 1500, 3000, 3750, 3750, 3750, 3750, 3750]);
    expect(manager.getState().status).toBe("offline");
    last().emit("open");
    expect(manager.getState()).toMatchObject({ status: "live", attempt: 0, failingSince: null });
  });

  it("goes offline during a long wait even before the next attempt", async () => {
    const { manager, last } = setup(() => "error");
    manager.start("1-0");
    await vi.advanceTimersByTimeAsync(19_000);
    expect(manager.getState().status).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1_500);
    expect(manager.getState().status).toBe("offline");
    expect(FakeEventSource.all).toHaveLength(0);
    void last;
  });

  it("sends the operator to sign-in when /auth/me says 401", async () => {
    let auth: AuthCheck = "ok";
    const { manager, last, onUnauthorized } = setup(() => auth);
    manager.start("1-0");
    await flush();
    auth = "unauthorized";
    last().emit("error");
    await vi.advanceTimersByTimeAsync(1000);
    expect(onUnauthorized).toHaveBeenCalledOnce();
    expect(FakeEventSource.all).toHaveLength(1);
  });
});

describe("backoffDelay", () => {
  it("stays within [ceiling/2, ceiling] and caps", () => {
    expect(backoffDelay(0, { random: () => 0 })).toBe(500);
    expect(backoffDelay(0, { random: () => 0.999999 })).toBe(1000);
    expect(backoffDelay(10, { random: () => 0.999999 })).toBe(5_000);
  });
});

describe("cache sink", () => {
  it("coalesces a burst of samples into one cache write per window (smoothing)", async () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.summary, summary());
    const writes = vi.fn<() => void>();
    qc.getQueryCache().subscribe((e) => e.type === "updated" && writes());
    const sink = createCacheSink(qc, { windowMs: 250 });
    for (let i = 1; i <= 20; i++) sink(samples(60 + i, T0 + i * 10), `${i}-0`);
    expect(writes).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(250);
    expect(writes).toHaveBeenCalledTimes(1);
    const s = qc.getQueryData<ReturnType<typeof summary>>(queryKeys.summary)!;
    expect(s.metrics[0]!.value).toBe(80);
    // The burst lands in its 10 s bucket: the window keeps its buckets, the envelope holds the burst.
    expect(s.metrics[0]!.sparkline).toHaveLength(2);
    expect(s.metrics[0]!.sparkline.at(-1)).toMatchObject({ value: 80, min: 60, max: 80 });
  });

  it("on resync drops pending samples and refetches the summary and timeline", async () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.summary, summary());
    const invalidate = vi.spyOn(qc, "invalidateQueries").mockResolvedValue();
    const sink = createCacheSink(qc);
    sink(samples(99), "2-0");
    sink({ type: "resync", reason: "cursor too old" }, "3-0");
    await vi.advanceTimersByTimeAsync(1000);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.summary });
    expect(qc.getQueryData<ReturnType<typeof summary>>(queryKeys.summary)!.metrics[0]!.value).toBe(60);
  });

  it("flushes pending samples before applying a gate change", () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.summary, summary());
    const sink = createCacheSink(qc);
    sink(samples(90, T0 + 1), "2-0");
    const s0 = qc.getQueryData<ReturnType<typeof summary>>(queryKeys.summary)!;
    sink({ type: "gate", gate: { ...s0.gates[0]!, status: "no-go", value: 90 } }, "3-0");
    const s = qc.getQueryData<ReturnType<typeof summary>>(queryKeys.summary)!;
    expect(s.metrics[0]!.value).toBe(90);
    expect(s.gates[0]!.status).toBe("no-go");
  });
});

describe("cache sink: staleness and structure from the stream", () => {
  type S = ReturnType<typeof summary>;
  const metricEvent = (stale: boolean, last = T0): TelemetryPayload => ({
    type: "metric",
    metric: { source: "rover-07", metric: "core.temp", stale, last_seen_at: iso(last), stale_after_s: 12 },
  });

  it("listens for metric events on the stream", async () => {
    const { manager, payloads, last } = setup();
    manager.start("1-0");
    await flush();
    last().emit("open");
    last().emit("metric", metricEvent(true), "2-0");
    expect(payloads.map(([p]) => p.type)).toEqual(["metric"]);
  });

  it("turns a silent metric stale and fresh again from metric events, after the readings sent before", () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.summary, summary());
    const sink = createCacheSink(qc);
    sink(samples(61, T0 + 1000), "2-0"); // still in the buffer when the stale event arrives
    sink(metricEvent(true, T0 + 1000), "3-0");
    let m = qc.getQueryData<S>(queryKeys.summary)!.metrics[0]!;
    expect(m).toMatchObject({ value: 61, stale: true, stale_after_s: 12 });
    sink(metricEvent(false, T0 + 40_000), "4-0");
    m = qc.getQueryData<S>(queryKeys.summary)!.metrics[0]!;
    expect(m).toMatchObject({ stale: false, last_seen_at: iso(T0 + 40_000) });
  });

  it("refetches the summary once when samples of an unknown series arrive (a new source)", async () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.summary, summary());
    const invalidate = vi.spyOn(qc, "invalidateQueries").mockResolvedValue();
    const sink = createCacheSink(qc, { windowMs: 10, structureMs: 500 });
    const fresh = (value: number): TelemetryPayload => ({
      type: "samples",
      samples: [{ source: "rover-9", metric: "wheel.slip", value, unit: "%", ts: iso(T0 + value), severity: "ok" }],
    });
    sink(fresh(1), "2-0");
    await vi.advanceTimersByTimeAsync(20);
    sink(samples(62, T0 + 5), "3-0"); // a known series: no refetch of its own
    await vi.advanceTimersByTimeAsync(20);
    // Drawn at once from its samples...
    expect(qc.getQueryData<S>(queryKeys.summary)!.metrics.map((m) => m.source)).toEqual(["rover-07", "rover-9"]);
    expect(invalidate).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(500);
    // ...and one summary read brings its thresholds and the header's device count.
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.summary });
  });
});

describe("sample buffer", () => {
  it("flushNow writes immediately and discard forgets", () => {
    const flushes: number[] = [];
    const buf = createSampleBuffer((b) => flushes.push(b.length), 100);
    buf.push(samples(1).type === "samples" ? (samples(1) as Extract<TelemetryPayload, { type: "samples" }>).samples : []);
    buf.flushNow();
    buf.push((samples(2) as Extract<TelemetryPayload, { type: "samples" }>).samples);
    buf.discard();
    vi.advanceTimersByTime(200);
    expect(flushes).toEqual([1]);
  });
});
