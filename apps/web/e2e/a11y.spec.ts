/** Spec 6: axe on the login gate and the populated dashboard: no serious or critical violations. */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { badge, expect, gateCard, signInQuick as signIn, test } from "./support/fixtures";

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

test("the login gate has no serious or critical axe violations", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
});

test("the dashboard has no serious or critical axe violations", async ({ page, chiron }) => {
  const hex = chiron.uid("x").slice(2);
  const src = `axe-${hex}`;
  await chiron.putGate(`axe-${hex}`, { title: `Axe ${hex}`, source: src, metric: `axe.temp_${hex}`, warn: 60, critical: 80, direction: "above" });
  await chiron.ingest([40, 65, 85].map((value, i) => ({ source: src, metric: `axe.temp_${hex}`, value, unit: "°C", ts: new Date(Date.now() - (3 - i) * 5_000).toISOString() })));
  await signIn(page);
  await expect(gateCard(page, `Axe ${hex}`)).toHaveAttribute("data-severity", "no-go");
  await expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 15_000 });
  expect(await seriousViolations(page)).toEqual([]);
});
