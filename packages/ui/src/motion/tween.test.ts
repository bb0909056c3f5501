import { motionValue } from "motion/react";
import { easeOutQuint, tweenMotionValue } from "./tween";

describe("tweenMotionValue", () => {
  it("eases to the target over the duration and can be stopped", () => {
    let now = 0;
    const frames: ((t: number) => void)[] = [];
    const deps = { raf: (cb: (t: number) => void) => frames.push(cb), caf: vi.fn(), now: () => now };
    const v = motionValue(0);
    tweenMotionValue(v, 100, { duration: 1, ...deps });
    now = 500;
    frames.shift()!(now);
    expect(v.get()).toBeCloseTo(100 * easeOutQuint(0.5));
    now = 1000;
    frames.shift()!(now);
    expect(v.get()).toBe(100);
    expect(frames).toHaveLength(0);

    const stop = tweenMotionValue(v, 0, { duration: 1, ...deps });
    stop();
    expect(deps.caf).toHaveBeenCalled();
  });

  it("jumps when there is nothing to animate", () => {
    const v = motionValue(5);
    tweenMotionValue(v, 9, { duration: 0 });
    expect(v.get()).toBe(9);
  });
});
