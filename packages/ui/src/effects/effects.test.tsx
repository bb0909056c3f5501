import { render } from "@testing-library/react";
import { axe } from "vitest-axe";
import { AuroraBackground } from "./AuroraBackground";
import { NoiseOverlay } from "./NoiseOverlay";

describe("ambient effects", () => {
  it("tints the aurora by severity and hides it from assistive tech", async () => {
    const { container } = render(<AuroraBackground severity="no-go" focus={0.1} />);
    const el = container.firstElementChild as HTMLElement;
    expect(el).toHaveAttribute("aria-hidden", "true");
    expect(el).toHaveAttribute("data-severity", "no-go");
    expect(el.style.getPropertyValue("--aurora-focus")).toBe("10%");
    expect(await axe(container)).toHaveNoViolations();
  });

  it("renders grain as an SVG turbulence filter", () => {
    const { container } = render(<NoiseOverlay opacity={0.05} />);
    expect(container.querySelector("feTurbulence")).not.toBeNull();
    expect(container.firstElementChild).toHaveAttribute("aria-hidden", "true");
  });
});
