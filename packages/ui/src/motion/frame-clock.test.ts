import { renderHook } from "@testing-library/react";
import { animateFrames, FRAME_MS, onFrames, useFrameTween } from "./frame-clock";
import { setHidden, sleep } from "../../test/setup";

describe("frame clock", () => {
  it("ticks at most every FRAME_MS, and slower jobs share the faster job's frames", async () => {
    const fast: number[] = [];
    const slow: number[] = [];
    const stopFast = onFrames((now) => fast.push(now));
    const stopSlow = onFrames((now) => slow.push(now), 150);
    // Waits for ticks rather than sleeping a fixed time: a loaded CI machine delays timers.
    await vi.waitFor(() => expect(slow.length).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    stopFast();
    stopSlow();
    expect(slow.length).toBeLessThan(fast.length);
    for (let i = 1; i < fast.length; i++) expect(fast[i]! - fast[i - 1]!).toBeGreaterThanOrEqual(FRAME_MS - 1);
    // Every slow tick happened in a frame the fast job drew too: one frame for both.
    for (const t of slow) expect(fast).toContain(t);
  });

  it("stops when its jobs are gone", async () => {
    let calls = 0;
    const stop = onFrames(() => (calls += 1));
    await vi.waitFor(() => expect(calls).toBeGreaterThan(0));
    stop();
    const after = calls;
    await sleep(4 * FRAME_MS);
    expect(calls).toBe(after);
  });

  it("gives a hidden page no ticks and resumes when it is shown", async () => {
    let calls = 0;
    setHidden(true);
    const stop = onFrames(() => (calls += 1));
    await sleep(4 * FRAME_MS);
    expect(calls).toBe(0);
    setHidden(false);
    await vi.waitFor(() => expect(calls).toBeGreaterThan(0));
    stop();
  });

  it("animates t from above 0 to exactly 1 in a handful of frames, then stops", async () => {
    const ts: number[] = [];
    animateFrames(300, (t) => ts.push(t));
    await vi.waitFor(() => expect(ts.at(-1)).toBe(1), { timeout: 2000 });
    expect(ts[0]!).toBeGreaterThan(0);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(ts.length).toBeLessThanOrEqual(300 / FRAME_MS + 2);
    const n = ts.length;
    await sleep(3 * FRAME_MS);
    expect(ts).toHaveLength(n);
  });

  it("can be stopped, leaving the last step drawn", async () => {
    const ts: number[] = [];
    const stop = animateFrames(1000, (t) => ts.push(t));
    await vi.waitFor(() => expect(ts.length).toBeGreaterThan(0));
    stop();
    const n = ts.length;
    await sleep(3 * FRAME_MS);
    expect(ts).toHaveLength(n);
    expect(ts.at(-1)!).toBeLessThan(1);
  });

  it("useFrameTween draws the old value back, then eases to the new one; off, it draws the target once and nothing after", async () => {
    const drawn: number[] = [];
    const draw = (v: number) => drawn.push(v);
    const { rerender } = renderHook(({ target, on }) => useFrameTween(target, on, draw, { durationMs: 600 }), {
      initialProps: { target: 10, on: true },
    });
    expect(drawn).toEqual([]); // the first render stands as rendered
    rerender({ target: 20, on: true });
    expect(drawn).toEqual([10]); // before paint: where it was
    await vi.waitFor(() => expect(drawn.at(-1)).toBe(20), { timeout: 2000 });
    expect(drawn.length).toBeGreaterThan(2);
    expect(drawn).toEqual([...drawn].sort((a, b) => a - b));
    rerender({ target: 5, on: false });
    expect(drawn.at(-1)).toBe(5); // no tween: the target at once
    const n = drawn.length;
    await sleep(3 * FRAME_MS);
    expect(drawn).toHaveLength(n);
  });

  it("useFrameTween switched off mid-tween draws the target at once", async () => {
    const drawn: number[] = [];
    const { rerender } = renderHook(({ target, on }) => useFrameTween(target, on, (v) => drawn.push(v), { durationMs: 2000 }), {
      initialProps: { target: 0, on: true },
    });
    rerender({ target: 100, on: true });
    await vi.waitFor(() => expect(drawn.length).toBeGreaterThan(1));
    expect(drawn.at(-1)).toBeLessThan(100);
    rerender({ target: 100, on: false });
    expect(drawn.at(-1)).toBe(100);
  });
});
