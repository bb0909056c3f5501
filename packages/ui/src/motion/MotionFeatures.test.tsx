import { render, waitFor } from "@testing-library/react";
import { TimelinePulseOverlay } from "../charts/TimelinePulseOverlay";
import { MotionPreferenceProvider } from "./MotionPreference";
import { MotionFeatures } from "./MotionFeatures";

type E = { id: string; t: number };
const now = Date.UTC(2025, 0, 1, 14, 32);
const events: E[] = [
  { id: "a", t: now - 10 * 60_000 },
  { id: "b", t: now - 60_000 },
];

function Timeline({ wrap, motion = true }: { wrap: boolean; motion?: boolean }) {
  const chart = (
    <TimelinePulseOverlay
      events={events}
      getKey={(e) => e.id}
      getTime={(e) => e.t}
      getLane={() => "Gates"}
      getTitle={(e) => e.id}
      lanes={["Gates"]}
      from={now - 30 * 60_000}
      to={now}
      width={600}
      height={100}
      label="Timeline"
    />
  );
  return <MotionPreferenceProvider enabled={motion}>{wrap ? <MotionFeatures>{chart}</MotionFeatures> : chart}</MotionPreferenceProvider>;
}

/** The newest marker's spring-in wrapper (an m.g that starts at scale 0). */
const newestMarker = (container: HTMLElement) => container.querySelector('[data-newest] > g:last-child') as SVGGElement | null;

describe("MotionFeatures", () => {
  it("lets the charts' m.* elements animate (the engine loads lazily)", async () => {
    const { container } = render(<Timeline wrap />);
    const first = newestMarker(container)!.style.transform;
    expect(first).toMatch(/scale\(0\)/);
    await waitFor(() => expect(newestMarker(container)!.style.transform).not.toBe(first));
  });

  it("is needed: without it an m.* element keeps its first state", async () => {
    const { container } = render(<Timeline wrap={false} />);
    const first = newestMarker(container)!.style.transform;
    await new Promise((r) => setTimeout(r, 150));
    expect(newestMarker(container)!.style.transform).toBe(first);
  });

  it("is not needed with motion off: the marker is plain SVG", () => {
    const { container } = render(<Timeline wrap={false} motion={false} />);
    expect(newestMarker(container)!.style.transform).toBe("");
  });
});
