import { render, screen } from "@testing-library/react";
import { axe } from "vitest-axe";
import { setReducedMotion } from "../../test/setup";
import { MotionPreferenceProvider } from "../motion/MotionPreference";
import { TelemetryRadialGauge, arcD } from "./TelemetryRadialGauge";

const coreTemp = { min: 20, max: 100, warn: 70, critical: 85, direction: "above" as const, unit: "°C", label: "Core temp", level: "warn" as const };

describe("TelemetryRadialGauge", () => {
  it("renders a stable DOM", () => {
    const { container } = render(<TelemetryRadialGauge value={71.8} {...coreTemp} />);
    expect(container).toMatchSnapshot();
  });

  it("names the gauge and describes value, level and thresholds", () => {
    render(<TelemetryRadialGauge value={71.8} {...coreTemp} />);
    const gauge = screen.getByRole("img", { name: "Core temp" });
    expect(gauge).toHaveAttribute("data-level", "warn");
    expect(gauge).toHaveAccessibleDescription(
      "Core temp: 71.8 °C, WARN (warn above 70.0, critical above 85.0); scale 20.0 to 100.",
    );
    expect(gauge).toHaveTextContent("WARN");
  });

  it("draws the level it is given, whatever the value and thresholds say (the server decides)", () => {
    render(<TelemetryRadialGauge value={70} {...coreTemp} level="ok" />);
    const gauge = screen.getByRole("img", { name: "Core temp" });
    expect(gauge).toHaveAttribute("data-level", "ok");
    expect(gauge).toHaveTextContent("NOMINAL");
  });

  it("draws bands on the bad side for a 'below' metric", () => {
    const { container } = render(
      <TelemetryRadialGauge value={25.7} min={24} max={32} warn={27} critical={26} direction="below" unit="V" label="Bus voltage" level="critical" />,
    );
    expect(screen.getByRole("img")).toHaveAttribute("data-level", "critical");
    expect(container.querySelectorAll("[data-band]")).toHaveLength(2);
  });

  it("shows STALE, not the last level, for a silent source", () => {
    render(<TelemetryRadialGauge value={-74} min={-110} max={-40} warn={-85} critical={-95} direction="below" unit="dBm" label="Signal" level="ok" stale />);
    const gauge = screen.getByRole("img");
    expect(gauge).toHaveTextContent("STALE");
    expect(gauge).toHaveTextContent("\u221274");
  });

  it("sweeps to a new value on the frame clock, and jumps with motion off", async () => {
    const knob = (c: HTMLElement) => Number(c.querySelector("circle")!.getAttribute("cx"));
    const at = (value: number) => {
      const { container, unmount } = render(<TelemetryRadialGauge value={value} {...coreTemp} />, {
        wrapper: ({ children }) => <MotionPreferenceProvider enabled={false}>{children}</MotionPreferenceProvider>,
      });
      const x = knob(container);
      unmount();
      return x;
    };
    const [x30, x90] = [at(30), at(90)];
    const gauge = (value: number, motion: boolean) => (
      <MotionPreferenceProvider enabled={motion}>
        <TelemetryRadialGauge value={value} {...coreTemp} />
      </MotionPreferenceProvider>
    );
    const { container, rerender } = render(gauge(30, true));
    rerender(gauge(90, true));
    expect(knob(container)).toBeCloseTo(x30); // painted first where it was
    const seen = new Set<number>();
    await vi.waitFor(() => {
      seen.add(knob(container));
      expect(knob(container)).toBeCloseTo(x90);
    }, { timeout: 3000, interval: 10 });
    expect(seen.size).toBeGreaterThan(2);
    rerender(gauge(30, false));
    expect(knob(container)).toBeCloseTo(x30);
  });

  it("has no axe violations", async () => {
    const { container } = render(<TelemetryRadialGauge value={null} {...coreTemp} />);
    expect(await axe(container)).toHaveNoViolations();
  });

  it("does not animate under prefers-reduced-motion", () => {
    setReducedMotion(true);
    render(
      <MotionPreferenceProvider>
        <TelemetryRadialGauge value={50} {...coreTemp} />
      </MotionPreferenceProvider>,
    );
    expect(screen.getByRole("img")).not.toHaveAttribute("data-animated");
    expect(document.documentElement.dataset.motion).toBe("off");
  });

  it("draws its rings as stroked arcs: clockwise from 12 o'clock, the long way round past half a turn", () => {
    expect(arcD(10, 0, Math.PI / 2)).toBe("M0 -10A10 10 0 0 1 10 0");
    expect(arcD(10, -Math.PI / 2, Math.PI)).toBe("M-10 0A10 10 0 1 1 0 10");
  });
});
