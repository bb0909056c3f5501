import { render, waitFor } from "@testing-library/react";
import { TelemetrySparkline } from "../charts/TelemetrySparkline";
import { MotionPreferenceProvider } from "./MotionPreference";
import { MotionFeatures } from "./MotionFeatures";

type P = { t: number; v: number };
const series = (values: number[]): P[] => values.map((v, i) => ({ t: 1_700_000_000_000 + i * 15_000, v }));
const getX = (d: P) => d.t;
const getY = (d: P) => d.v;

function Chart({ data, wrap, motion = true }: { data: P[]; wrap: boolean; motion?: boolean }) {
  const chart = <TelemetrySparkline data={data} getX={getX} getY={getY} width={160} height={48} label="Bus current" />;
  return <MotionPreferenceProvider enabled={motion}>{wrap ? <MotionFeatures>{chart}</MotionFeatures> : chart}</MotionPreferenceProvider>;
}

const linePath = (container: HTMLElement) => container.querySelectorAll("path")[1]?.getAttribute("d");

describe("MotionFeatures", () => {
  it("lets the charts' m.* paths morph to new data (the engine loads lazily)", async () => {
    const { container, rerender } = render(<Chart wrap data={series([1, 2, 3])} />);
    const first = linePath(container);
    rerender(<Chart wrap data={series([3, 1, 2, 5])} />);
    await waitFor(() => expect(linePath(container)).not.toBe(first));
  });

  it("is needed: without it an m.* path keeps its first shape", async () => {
    const { container, rerender } = render(<Chart wrap={false} data={series([1, 2, 3])} />);
    const first = linePath(container);
    rerender(<Chart wrap={false} data={series([3, 1, 2, 5])} />);
    await new Promise((r) => setTimeout(r, 100));
    expect(linePath(container)).toBe(first);
  });

  it("is not needed with motion off: the paths are plain SVG", () => {
    const { container, rerender } = render(<Chart wrap={false} motion={false} data={series([1, 2, 3])} />);
    const first = linePath(container);
    rerender(<Chart wrap={false} motion={false} data={series([3, 1, 2, 5])} />);
    expect(linePath(container)).not.toBe(first);
  });
});
