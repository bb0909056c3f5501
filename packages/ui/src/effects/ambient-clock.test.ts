import { alternateEased, AMBIENT_TICK_MS, subscribeAmbient } from "./ambient-clock";
import { setHidden, sleep } from "../../test/setup";

describe("ambient clock", () => {
  it("ticks a few times a second while someone listens, and stops after", async () => {
    const seen: number[] = [];
    const stop = subscribeAmbient((now) => seen.push(now));
    expect(seen).toHaveLength(1); // once right away
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(4), { timeout: 5000 });
    for (let i = 1; i < seen.length; i++) expect(seen[i]! - seen[i - 1]!).toBeGreaterThanOrEqual(AMBIENT_TICK_MS - 30);
    stop();
    const n = seen.length;
    await sleep(AMBIENT_TICK_MS * 3);
    expect(seen).toHaveLength(n);
  });

  it("holds still while the page is hidden", async () => {
    let ticks = 0;
    const stop = subscribeAmbient(() => ticks++);
    setHidden(true);
    const before = ticks;
    await sleep(AMBIENT_TICK_MS * 4);
    expect(ticks).toBe(before);
    setHidden(false);
    await vi.waitFor(() => expect(ticks).toBeGreaterThan(before));
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
