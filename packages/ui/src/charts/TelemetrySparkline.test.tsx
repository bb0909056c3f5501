import { render, screen } from "@testing-library/react";
import { axe } from "vitest-axe";
import { setReducedMotion } from "../../test/setup";
import { MotionPreferenceProvider } from "../motion/MotionPreference";
import { TelemetrySparkline } from "./TelemetrySparkline";

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
    expect(chart).toHaveAccessibleDescription(/latest 12\.6 A; range 11\.7 A to 13\.6 A over 6 points/);
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

  it("renders an empty state without paths", () => {
    render(<TelemetrySparkline data={[] as P[]} getX={getX} getY={getY} width={100} height={40} label="Empty" />);
    expect(screen.getByRole("img", { name: "Empty" })).toHaveAccessibleDescription("Empty: no data yet.");
  });
});
