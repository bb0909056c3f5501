import { render, screen } from "@testing-library/react";
import { axe } from "vitest-axe";
import { thresholdBands } from "../charts/levels";
import { SeverityBadge } from "./SeverityBadge";
import { SeverityIcon } from "./SeverityIcon";
import { worstSeverity } from "./tokens";

describe("severity vocabulary", () => {
  it("never relies on colour alone: every badge has a word and a distinct glyph", async () => {
    const { container } = render(
      <p>
        <SeverityBadge severity="go" />
        <SeverityBadge severity="hold" />
        <SeverityBadge severity="no-go" />
        <SeverityBadge severity="stale" detail="2m" variant="pill" />
      </p>,
    );
    expect(container).toHaveTextContent("GOHOLDNO-GOSTALE2m");
    const shapes = [...container.querySelectorAll("svg")].map((s) => s.innerHTML);
    expect(new Set(shapes).size).toBe(4);
    expect(await axe(container)).toHaveNoViolations();
  });

  it("draws no data with its own shape, grey like stale", () => {
    const { container } = render(
      <p>
        <SeverityIcon severity="stale" />
        <SeverityIcon severity="no-data" />
      </p>,
    );
    const [stale, noData] = [...container.querySelectorAll("svg")];
    expect(noData!.innerHTML).not.toBe(stale!.innerHTML);
    expect(noData!.getAttribute("stroke")).toBe(stale!.getAttribute("stroke"));
    expect(noData).toHaveAttribute("data-severity", "no-data");
  });

  it("gives a standalone icon an accessible name", () => {
    render(<SeverityIcon severity="no-go" title="No-go" />);
    expect(screen.getByRole("img", { name: "No-go" })).toBeInTheDocument();
  });

  it("picks the worst severity, stale only when nothing is fresh", () => {
    expect(worstSeverity(["go", "hold", "stale"])).toBe("hold");
    expect(worstSeverity(["go", "no-go", "hold"])).toBe("no-go");
    expect(worstSeverity(["stale", "go"])).toBe("go");
    expect(worstSeverity([])).toBe("go");
  });

  it("lays out threshold bands in both directions", () => {
    expect(thresholdBands(0, 100, 25, 15, "below")).toEqual([
      { level: "critical", from: 0, to: 15 },
      { level: "warn", from: 15, to: 25 },
    ]);
    expect(thresholdBands(20, 100, 70, 85, "above")).toEqual([
      { level: "warn", from: 70, to: 85 },
      { level: "critical", from: 85, to: 100 },
    ]);
  });
});
