import { render, screen } from "@testing-library/react";
import { axe } from "vitest-axe";
import { setReducedMotion } from "../../test/setup";
import { MotionPreferenceProvider } from "../motion/MotionPreference";
import { morphStart, TelemetrySparkline } from "./TelemetrySparkline";

type P = { t: number; v: number };
const data: P[] = [11.7, 12.2, 13.6, 12.9, 12.4, 12.6].map((v, i) => ({ t: 1_700_000_000_000 + i * 15_000, v }));
const getX = (d: P) => d.t;
const getY = (d: P) => d.v;

function Spark(props: { stale?: boolean; threshold?: number | null }) {
  return (
    <TelemetrySparkline data={data} getX={getX} getY={getY} width={160} height={48} label="Bus current" unit="A" {...props} />
  );
}

describe("TelemetrySparkline", () => {
  it("renders a stable DOM", () => {
    const { container } = render(<Spark threshold={13} />);
    expect(container).toMatchSnapshot();
  });

  it("has an accessible name and a text alternative", () => {
    render(<Spark />);
    const chart = screen.getByRole("img", { name: "Bus current" });
    expect(chart).toHaveAccessibleDescription(/latest 12\.6 A; window min 11\.7 A, max 13\.6 A, over 6 points/);
  });

  it("has no axe violations", async () => {
    const { container } = render(<Spark stale />);
    expect(await axe(container)).toHaveNoViolations();
  });

  it("says when the source is stale and dashes the line", () => {
    const { container } = render(<Spark stale />);
    expect(screen.getByRole("img")).toHaveAccessibleDescription(/source is stale/);
    expect(container.querySelector("path[stroke-dasharray]")).not.toBeNull();
  });

  it("stops animating under prefers-reduced-motion", () => {
    setReducedMotion(true);
    render(
      <MotionPreferenceProvider>
        <Spark />
      </MotionPreferenceProvider>,
    );
    expect(screen.getByRole("img")).not.toHaveAttribute("data-animated");
    expect(document.documentElement.dataset.motion).toBe("off");
  });

  it("animates by default and stops when the toggle is off", () => {
    const { rerender } = render(
      <MotionPreferenceProvider enabled>
        <Spark />
      </MotionPreferenceProvider>,
    );
    expect(screen.getByRole("img")).toHaveAttribute("data-animated", "true");
    rerender(
      <MotionPreferenceProvider enabled={false}>
        <Spark />
      </MotionPreferenceProvider>,
    );
    expect(screen.getByRole("img")).not.toHaveAttribute("data-animated");
    expect(document.documentElement.dataset.motion).toBe("off");
  });

  it("morphs to new data on the frame clock, points matched by time", async () => {
    const next = [...data.slice(1), { t: data.at(-1)!.t + 15_000, v: 14.1 }];
    const target = render(<TelemetrySparkline data={next} getX={getX} getY={getY} width={160} height={48} label="Target" />, {
      wrapper: ({ children }) => <MotionPreferenceProvider enabled={false}>{children}</MotionPreferenceProvider>,
    });
    const targetLine = target.container.querySelectorAll("path")[1]!.getAttribute("d");
    target.unmount();

    const chart = (d: P[]) => (
      <MotionPreferenceProvider enabled>
        <TelemetrySparkline data={d} getX={getX} getY={getY} width={160} height={48} label="Bus current" />
      </MotionPreferenceProvider>
    );
    const { container, rerender } = render(chart(data));
    const line = () => container.querySelectorAll("path")[1]!.getAttribute("d");
    const before = line();
    rerender(chart(next));
    // Painted first: the old shape (the new point grows out of the old last one), not the target.
    // The window moved one point: the new first point (the old second) starts at x = 35, where
    // it was drawn before; the target puts it at the left edge (x = 5).
    expect(line()).not.toBe(targetLine);
    expect(before).toMatch(/^M5,/);
    expect(line()).toMatch(/^M35,/);
    expect(targetLine).toMatch(/^M5,/);
    const seen = new Set<string>([line()!]);
    await vi.waitFor(() => {
      seen.add(line()!);
      expect(line()).toBe(targetLine);
    }, { timeout: 3000, interval: 10 });
    expect(seen.size).toBeGreaterThan(2); // it went through in-between shapes
  });

  it("lands on the new data at once when motion is switched off mid-morph", () => {
    const next = [...data.slice(1), { t: data.at(-1)!.t + 15_000, v: 14.1 }];
    const chart = (d: P[], motion: boolean) => (
      <MotionPreferenceProvider enabled={motion}>
        <TelemetrySparkline data={d} getX={getX} getY={getY} width={160} height={48} label="Bus current" />
      </MotionPreferenceProvider>
    );
    const { container, rerender } = render(chart(data, true));
    const line = () => container.querySelectorAll("path")[1]!.getAttribute("d");
    rerender(chart(next, true));
    const midway = line();
    rerender(chart(next, false));
    rerender(chart(next, false));
    const target = render(chart(next, false)).container.querySelectorAll("path")[1]!.getAttribute("d");
    expect(line()).not.toBe(midway);
    expect(line()).toBe(target);
  });

  it("starts each point where its time was drawn; new times grow out of the previous end", () => {
    const pt = (key: number, x: number, y: number) => ({ key, x, y });
    const from = [pt(1, 0, 10), pt(2, 50, 20), pt(3, 100, 30)];
    const to = [pt(2, 0, 5), pt(3, 50, 6), pt(4, 100, 7)];
    expect(morphStart(from, to)).toEqual([pt(2, 50, 20), pt(3, 100, 30), pt(4, 100, 30)]);
    expect(morphStart(from, [pt(0, 0, 0), ...to.slice(0, 1)])).toEqual([pt(0, 0, 10), pt(2, 50, 20)]);
  });

  it("draws the new data at once with motion off", () => {
    const { container, rerender } = render(
      <MotionPreferenceProvider enabled={false}>
        <Spark />
      </MotionPreferenceProvider>,
    );
    const before = container.querySelectorAll("path")[1]!.getAttribute("d");
    rerender(
      <MotionPreferenceProvider enabled={false}>
        <TelemetrySparkline data={data.slice(1)} getX={getX} getY={getY} width={160} height={48} label="Bus current" />
      </MotionPreferenceProvider>,
    );
    expect(container.querySelectorAll("path")[1]!.getAttribute("d")).not.toBe(before);
  });

  it("draws the min-max envelope, so a spike inside a bucket is never averaged away", () => {
    // ~50 buckets near 50, one whose mean is 69 but which held a 999 reading.
    type B = { t: number; v: number; lo: number; hi: number };
    const buckets: B[] = Array.from({ length: 50 }, (_, i) => ({ t: i * 10_000, v: 50, lo: 49, hi: 51 }));
    buckets[30] = { t: 300_000, v: 69, lo: 49, hi: 999 };
    const props = { data: buckets, getX: (d: B) => d.t, getY: (d: B) => d.v, width: 200, height: 40, label: "Load", unit: "%" };
    const { container } = render(<TelemetrySparkline {...props} getMin={(d) => d.lo} getMax={(d) => d.hi} latest={50} />);
    const envelope = container.querySelector("path.chiron-sparkline__envelope");
    expect(envelope).not.toBeNull();
    // The envelope reaches the top of the chart (the padding): the spike is drawn at full height.
    const ys = [...envelope!.getAttribute("d")!.matchAll(/[ML,]\s*([\d.]+)[ ,]([\d.]+)/g)].map((m) => Number(m[2]));
    expect(Math.min(...ys)).toBeLessThan(8);
    expect(screen.getByRole("img", { name: "Load" })).toHaveAccessibleDescription(/latest 50.0 %; window min 49.0 %, max 999 %/);
    // Without the envelope the mean line alone would top out at 69: that is the lie this prevents.
    const { container: plain } = render(<TelemetrySparkline {...props} />);
    expect(plain.querySelector("path.chiron-sparkline__envelope")).toBeNull();
  });

  it("renders an empty state without paths", () => {
    render(<TelemetrySparkline data={[] as P[]} getX={getX} getY={getY} width={100} height={40} label="Empty" />);
    expect(screen.getByRole("img", { name: "Empty" })).toHaveAccessibleDescription("Empty: no data yet.");
  });
});
