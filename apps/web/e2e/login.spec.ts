/** Spec 1: the login gate, dev-issuer sign-in, sign-out, and expired / invalid / near-expiry service tokens. */
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { badge, expect, signIn, signInQuick, test } from "./support/fixtures";

/** The product version: the repository's VERSION file, which the API's OpenAPI document reports too. */
const VERSION = readFileSync(new URL("../../../VERSION", import.meta.url), "utf8").trim();

const SESSION = "chiron_session";

async function setSession(page: Page, baseURL: string, value: string) {
  await page.context().clearCookies();
  await page.context().addCookies([{ name: SESSION, value, url: baseURL, httpOnly: true, sameSite: "Lax" }]);
}

/** The gate rendered as a working page, not an error screen. */
async function expectLoginScreen(page: Page) {
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expect(page.getByLabel("Work email")).toBeEditable();
  await expect(page.getByText(/Application error|Internal Server Error|Unhandled Runtime Error/)).toHaveCount(0);
}

test("an unauthenticated visit to the dashboard is redirected to the login gate", async ({ page }) => {
  const res = await page.goto("/");
  expect(res?.status()).toBe(200);
  await expectLoginScreen(page);
  expect((await page.context().cookies()).find((c) => c.name === SESSION)).toBeUndefined();
  await expect(page.getByRole("contentinfo")).toContainText(`Chiron ${VERSION}`);
});

test("signing in with the development issuer lands on the dashboard; signing out returns to the gate", async ({ page }) => {
  await signIn(page, { email: "gate@ridgeline.ops", name: "Gate Keeper" });
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("Gate Keeper")).toBeVisible();
  await expect(page.getByRole("region", { name: "Gates" })).toBeVisible();
  await expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 15_000 });
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION);
  expect(cookie?.httpOnly).toBe(true);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expectLoginScreen(page);
  expect((await page.context().cookies()).find((c) => c.name === SESSION)).toBeUndefined();
  await page.goto("/");
  await expectLoginScreen(page);
});

test("an expired service token sends the operator back to the gate, and signing in again works", async ({ page, baseURL, chiron }) => {
  // A real token signed with the stack's secret, expired a minute ago.
  await setSession(page, baseURL!, chiron.mintToken("user_e2e_expired", -60, "Expired Operator"));
  const res = await page.goto("/");
  expect(res?.status()).toBe(200);
  await expectLoginScreen(page);
  await expect(page.getByText("Expired Operator")).toHaveCount(0);

  await signIn(page, { name: "Back Again" });
  await expect(page.getByText("Back Again")).toBeVisible();
});

test("a forged session cookie is refused without a broken page", async ({ page, baseURL }) => {
  await setSession(page, baseURL!, "v1.bm90LWEtdG9rZW4.Zm9yZ2Vk");
  await page.goto("/");
  await expectLoginScreen(page);
  await page.goto("/login");
  await expectLoginScreen(page);
});

test("a token that expires while the dashboard is open sends the operator to the gate on refresh", async ({ page, baseURL, chiron }) => {
  await signInQuick(page, { name: "Mid Session" }); // the form is tested above; this test is about the expiry
  await expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 15_000 });
  // The session cookie now holds a token that has expired (as if the tab had slept past its lifetime).
  await setSession(page, baseURL!, chiron.mintToken("user_e2e_mid", -5, "Mid Session"));
  await page.getByRole("button", { name: "Refresh token" }).click();
  await expectLoginScreen(page);
});

test("a service token close to expiry is refreshed automatically and the operator stays", async ({ page, baseURL, chiron }) => {
  // 100 s left: under the app's 2-minute auto-refresh margin, so the header refreshes it at once.
  const shortLived = chiron.mintToken("user_e2e_short", 100, "Short Lived");
  await setSession(page, baseURL!, shortLived);
  await page.goto("/");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("Short Lived")).toBeVisible();
  const pill = page.locator("span", { hasText: /^token \d\d:\d\d left$/ });
  // The fresh token has the server's full lifetime (15 min) again.
  await expect(pill).toHaveText(/^token 1[0-5]:\d\d left$/, { timeout: 10_000 });
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION);
  expect(cookie?.value).toBeTruthy();
  expect(cookie?.value).not.toBe(shortLived);
  await page.reload();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("Short Lived")).toBeVisible();
});
