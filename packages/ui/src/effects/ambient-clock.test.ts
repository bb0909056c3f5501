import { alternateEased, AMBIENT_TICK_MS, subscribeAmbient } from "./ambient-clock";

describe("ambient clock", () => {
  afterEach(() => {
    vi.useRealTimers();
    Object.defineProperty(document, "visibilityState", { configurable: true, value: "visible" });
  });

  it("ticks a few times a second while someone listens, and stops after", () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const stop = subscribeAmbient((now) => seen.push(now));
    expect(seen).toHaveLength(1); // once right away
    vi.advanceTimersByTime(AMBIENT_TICK_MS * 4);
    expect(seen).toHaveLength(5);
    stop();
    vi.advanceTimersByTime(AMBIENT_TICK_MS * 4);
    expect(seen).toHaveLength(5);
  });

  it("holds still while the page is hidden", () => {
    vi.useFakeTimers();
    let ticks = 0;
    const stop = subscribeAmbient(() => ticks++);
    Object.defineProperty(document, "visibilityState", { configurable: true, value: "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
    const before = ticks;
    vi.advanceTimersByTime(AMBIENT_TICK_MS * 10);
    expect(ticks).toBe(before);
    Object.defineProperty(document, "visibilityState", { configurable: true, value: "visible" });
    document.dispatchEvent(new Event("visibilitychange"));
    vi.advanceTimersByTime(AMBIENT_TICK_MS * 2);
    expect(ticks).toBeGreaterThan(before);
    stop();
  });

  it("eases an alternate cycle 0 -> 1 -> 0", () => {
    expect(alternateEased(0, 1000)).toBeCloseTo(0);
    expect(alternateEased(500, 1000)).toBeCloseTo(0.5);
    expect(alternateEased(1000, 1000)).toBeCloseTo(1);
    expect(alternateEased(1500, 1000)).toBeCloseTo(0.5);
    expect(alternateEased(2000, 1000)).toBeCloseTo(0);
  });
});
