import { render, screen } from "@testing-library/react";
import { axe } from "vitest-axe";
import { setReducedMotion } from "../../test/setup";
import { MotionPreferenceProvider } from "../motion/MotionPreference";
import { clusterEvents, CLUSTER_PX, pulseRing, springIn, TimelinePulseOverlay } from "./TimelinePulseOverlay";

type E = { id: string; t: number; lane: string; title: string };
const now = Date.UTC(2025, 0, 1, 14, 32);
const events: E[] = [
  { id: "1", t: now - 25 * 60_000, lane: "Gates", title: "Guidance → GO" },
  { id: "2", t: now - 12 * 60_000, lane: "Deploys", title: "Deployed api 0.4.2" },
  { id: "3", t: now - 40_000, lane: "Gates", title: "Thermal envelope → HOLD" },
  { id: "old", t: now - 90 * 60_000, lane: "Gates", title: "outside the window" },
];

function Timeline() {
  return (
    <TimelinePulseOverlay
      events={events}
      getKey={(e) => e.id}
      getTime={(e) => e.t}
      getLane={(e) => e.lane}
      getTitle={(e) => e.title}
      lanes={["Gates", "Deploys", "Notes"]}
      from={now - 30 * 60_000}
      to={now}
      width={800}
      height={140}
      label="Timeline, last 30 minutes"
      density={[0, 5, 10, 15, 20, 25, 30].map((m) => ({ t: now - (30 - m) * 60_000, v: 100 + m }))}
    />
  );
}

describe("TimelinePulseOverlay", () => {
  it("renders a stable DOM", () => {
    const { container } = render(<Timeline />);
    expect(container).toMatchSnapshot();
  });

  it("names the chart and lists visible events newest first", () => {
    render(<Timeline />);
    expect(screen.getByRole("img", { name: "Timeline, last 30 minutes" })).toBeInTheDocument();
    const items = screen.getAllByRole("listitem").map((li) => li.textContent);
    expect(items).toEqual(["14:31 Gates: Thermal envelope → HOLD", "14:20 Deploys: Deployed api 0.4.2", "14:07 Gates: Guidance → GO"]);
  });

  it("never overlaps markers: close events of a lane become one cluster with a count", () => {
    type D = { id: string; x: number; lane: string };
    const ds: D[] = [
      { id: "a", x: 100, lane: "Gates" },
      { id: "b", x: 104, lane: "Gates" },
      { id: "c", x: 110, lane: "Gates" },
      { id: "d", x: 300, lane: "Gates" },
      { id: "e", x: 102, lane: "Notes" },
    ];
    const clusters = clusterEvents(ds, { x: (d) => d.x, lane: (d) => d.lane, key: (d) => d.id });
    expect(clusters.map((c) => [c.lane, c.events.map((d) => d.id)])).toEqual([
      ["Gates", ["c", "b", "a"]],
      ["Gates", ["d"]],
      ["Notes", ["e"]],
    ]);
    const gates = clusters.filter((c) => c.lane === "Gates");
    expect(gates[1]!.x - gates[0]!.x).toBeGreaterThanOrEqual(CLUSTER_PX);
  });

  it("draws a burst as one counted marker, reachable by keyboard, that lists its events", () => {
    const burst: E[] = [0, 1, 2, 3].map((i) => ({ id: `b${i}`, t: now - 60_000 - i * 1000, lane: "Gates", title: `Gate ${i} → HOLD` }));
    render(
      <TimelinePulseOverlay
        events={burst}
        getKey={(e) => e.id}
        getTime={(e) => e.t}
        getLane={(e) => e.lane}
        getTitle={(e) => e.title}
        lanes={["Gates"]}
        from={now - 30 * 60_000}
        to={now}
        width={800}
        height={140}
        label="Timeline"
      />,
    );
    const marker = screen.getByRole("button", { name: /^4 events in Gates:/ });
    expect(marker).toHaveAttribute("data-count", "4");
    expect(marker).toHaveAccessibleName(/Gate 0 → HOLD\s+14:30 Gate 1 → HOLD/);
    expect(document.querySelectorAll("svg [data-event]")).toHaveLength(1);
    marker.focus();
    expect(marker).toHaveFocus();
    // Focus (or hover) shows the cluster's events, one a line.
    expect(marker.getAttribute("aria-label")!.split("\n")).toEqual(["4 events in Gates:", "14:31 Gate 0 → HOLD", "14:30 Gate 1 → HOLD", "14:30 Gate 2 → HOLD", "14:30 Gate 3 → HOLD"]);
  });

  it("pulses only the newest event", () => {
    const { container } = render(<Timeline />);
    expect(container.querySelectorAll("[data-newest]")).toHaveLength(1);
    expect(container.querySelector("[data-newest]")).toHaveAttribute("data-event", "3");
    expect(container.querySelectorAll(".chiron-timeline__pulse")).toHaveLength(2);
  });

  it("pulses a few times on arrival, then keeps the static ring (no endless animation)", () => {
    const ring = (i: number, ms: number) => pulseRing(i, ms);
    expect(ring(0, 0)).toEqual({ r: 10, opacity: 0.75 });
    expect(ring(1, 0)).toBeNull(); // the second ring starts 0.9 s later
    expect(ring(0, 900)!.r).toBeGreaterThan(20);
    expect(ring(0, 900)!.opacity).toBeCloseTo(0.375);
    expect(ring(0, 1800)).toEqual({ r: 10, opacity: 0.75 }); // the next cycle
    expect(ring(0, 3 * 1800)).toBeNull();
    expect(ring(1, 3 * 1800 + 900)).toBeNull();
  });

  it("springs the newest marker in from nothing with motion's spring, on the frame clock", async () => {
    expect(springIn(0)).toMatchObject({ scale: 0, opacity: 0, done: false });
    const mid = springIn(120);
    expect(mid.scale).toBeGreaterThan(0.3);
    expect(mid.done).toBe(false);
    const overshoot = Math.max(...Array.from({ length: 40 }, (_, i) => springIn(i * 25).scale));
    expect(overshoot).toBeGreaterThan(1); // a spring, not an ease
    expect(springIn(3000)).toEqual({ scale: 1, opacity: 1, done: true });

    const { container } = render(
      <MotionPreferenceProvider enabled>
        <Timeline />
      </MotionPreferenceProvider>,
    );
    const marker = () => container.querySelector("[data-newest] > g:last-child")!;
    expect(marker().getAttribute("transform")).toBe("scale(0)");
    const seen = new Set<string>();
    await vi.waitFor(
      () => {
        seen.add(marker().getAttribute("transform")!);
        expect(marker().getAttribute("transform")).toBe("scale(1)");
      },
      { timeout: 3000, interval: 10 },
    );
    expect(seen.size).toBeGreaterThan(2);
    expect(marker().getAttribute("opacity")).toBe("1");
  });

  it("has no axe violations", async () => {
    const { container } = render(<Timeline />);
    expect(await axe(container)).toHaveNoViolations();
  });

  it("keeps a static ring instead of a pulse under reduced motion", () => {
    setReducedMotion(true);
    const { container } = render(
      <MotionPreferenceProvider>
        <Timeline />
      </MotionPreferenceProvider>,
    );
    const rings = container.querySelectorAll(".chiron-timeline__pulse");
    expect(rings).toHaveLength(1);
    expect(rings[0]).toHaveAttribute("r", "18");
    expect(document.documentElement.dataset.motion).toBe("off");
  });
});
