import { renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useHeld } from "./useHeld";

type Cache = { samples: number[] };

describe("useHeld (pause)", () => {
  it("passes the value through while not held", () => {
    const { result, rerender } = renderHook(({ v, hold }) => useHeld(v, hold), { initialProps: { v: 1, hold: false } });
    expect(result.current).toBe(1);
    rerender({ v: 2, hold: false });
    expect(result.current).toBe(2);
  });

  it("draws the instant of the pause while the cache keeps taking updates, and everything that came on resume", () => {
    let cache: Cache = { samples: [1] };
    const { result, rerender } = renderHook(({ v, hold }) => useHeld(v, hold), { initialProps: { v: cache, hold: false } });
    // Pause: three updates arrive in the cache (new objects, as the query cache makes them).
    rerender({ v: cache, hold: true });
    for (const s of [2, 3, 4]) {
      cache = { samples: [...cache.samples, s] };
      rerender({ v: cache, hold: true });
      expect(result.current.samples).toEqual([1]);
    }
    // Resume: the latest cache, with every update, not the one held.
    rerender({ v: cache, hold: false });
    expect(result.current).toBe(cache);
    expect(result.current.samples).toEqual([1, 2, 3, 4]);
    // And it follows again after the resume.
    cache = { samples: [...cache.samples, 5] };
    rerender({ v: cache, hold: false });
    expect(result.current.samples).toEqual([1, 2, 3, 4, 5]);
  });

  it("a second pause holds the value at that instant, not the first pause's", () => {
    const { result, rerender } = renderHook(({ v, hold }) => useHeld(v, hold), { initialProps: { v: "a", hold: true } });
    rerender({ v: "b", hold: true });
    expect(result.current).toBe("a");
    rerender({ v: "c", hold: false });
    rerender({ v: "c", hold: true });
    rerender({ v: "d", hold: true });
    expect(result.current).toBe("c");
    rerender({ v: "d", hold: false });
    expect(result.current).toBe("d");
  });
});
