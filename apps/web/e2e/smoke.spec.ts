import { expect, test, type Page } from "@playwright/test";

async function signIn(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Work email").fill("e2e@ridgeline.ops");
  await page.getByRole("button", { name: /Development issuer/ }).click();
  await page.getByLabel(/Display name/).fill("E2E Operator");
  await page.getByRole("button", { name: "Sign in with development issuer" }).click();
  await page.waitForURL("/");
}

test("the dashboard is behind the login gate", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("button", { name: /single sign-on/ })).toBeDisabled();
});

test("signs in with the development issuer and renders gates from the server", async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole("region", { name: "Gates" }).getByRole("article").first()).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "LIVE" })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole("img", { name: /Timeline of gate changes/ })).toBeVisible();
  await expect(page.getByText("E2E Operator")).toBeVisible();
});

test("the animations toggle turns motion off and is remembered", async ({ page }) => {
  await signIn(page);
  const toggle = page.getByRole("switch", { name: "Animations" });
  await expect(page.locator("html")).toHaveAttribute("data-motion", "on");
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-checked", "false");
  await expect(page.locator("html")).toHaveAttribute("data-motion", "off");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-motion", "off");
});

test("the same-origin proxy streams SSE frames as they happen (not buffered)", async ({ page }) => {
  await signIn(page);
  const arrivals = await page.evaluate(
    () =>
      new Promise<number[]>((resolve, reject) => {
        const times: number[] = [];
        const es = new EventSource("/api/v1/dashboard/stream");
        const t0 = performance.now();
        es.addEventListener("samples", () => {
          times.push(performance.now() - t0);
          if (times.length === 3) {
            es.close();
            resolve(times);
          }
        });
        setTimeout(() => reject(new Error(`only ${times.length} events in 15 s`)), 15_000);
      }),
  );
  // Frames arrive spread out in time (one per publish), not in one burst at the end.
  expect(arrivals[2]! - arrivals[0]!).toBeGreaterThan(500);
});

test("signing out returns to the login screen", async ({ page }) => {
  await signIn(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
});
