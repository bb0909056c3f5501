/** Spec 5: the animations toggle switches motion off and on, survives a reload, and reduced motion wins. */
import type { Page } from "@playwright/test";
import { badge, expect, signInQuick as signIn, test } from "./support/fixtures";

/** data-motion is first set by the inline boot script; wait until React owns the page. */
const hydrated = (page: Page) => expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 15_000 });

test("the animations toggle turns motion off and on and the choice survives a reload", async ({ page }) => {
  await signIn(page);
  await hydrated(page);
  const html = page.locator("html");
  const toggle = page.getByRole("switch", { name: "Animations" });
  const animatedCharts = page.locator("svg[data-animated]");
  await expect(html).toHaveAttribute("data-motion", "on");
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await expect(animatedCharts.first()).toBeAttached();

  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect(html).toHaveAttribute("data-motion", "off");
  await expect(animatedCharts).toHaveCount(0);

  await page.reload();
  await hydrated(page);
  await expect(html).toHaveAttribute("data-motion", "off");
  await expect(page.getByRole("switch", { name: "Animations" })).toHaveAttribute("aria-checked", "false");
  await expect(animatedCharts).toHaveCount(0);

  await page.getByRole("switch", { name: "Animations" }).click();
  await expect(html).toHaveAttribute("data-motion", "on");
  await page.reload();
  await hydrated(page);
  await expect(html).toHaveAttribute("data-motion", "on");
  await expect(page.getByRole("switch", { name: "Animations" })).toHaveAttribute("aria-checked", "true");
  await expect(animatedCharts.first()).toBeAttached();
});

test.describe("with prefers-reduced-motion: reduce", () => {
  test.use({ reducedMotion: "reduce" });

  test("motion is off even with the toggle on, and the switch says off", async ({ page }) => {
    await signIn(page);
    await hydrated(page);
    await expect(page.locator("html")).toHaveAttribute("data-motion", "off");
    // The switch shows what is in force: off, and why (issue 20).
    const toggle = page.getByRole("switch", { name: "Animations" });
    await expect(toggle).toHaveAttribute("aria-checked", "false");
    await expect(toggle).toHaveAccessibleDescription(/reduced motion/);
    await expect(page.locator("svg[data-animated]")).toHaveCount(0);
    await page.reload();
    await hydrated(page);
    await expect(page.locator("html")).toHaveAttribute("data-motion", "off");
    await expect(page.locator("svg[data-animated]")).toHaveCount(0);
  });
});
