/** The operator log from the keyboard: L opens the composer, type, Enter posts, the entry is on
 * the timeline with its author and station; the log view finds it; a viewer cannot write. */
import type { Page } from "@playwright/test";
import { badge, expect, test } from "./support/fixtures";

async function signInAs(page: Page, org_role: string, station: string, name: string) {
  const minted = await page.request.post("/auth/dev/assertion", { data: { email: `${name.toLowerCase()}@ridgeline.ops`, name, org_role, station } });
  expect(minted.ok(), await minted.text()).toBe(true);
  const { assertion } = (await minted.json()) as { assertion: string };
  const token = await page.request.post("/auth/token", { data: { assertion } });
  expect(token.ok(), await token.text()).toBe(true);
  await page.goto("/");
  await expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 15_000 });
}

test("write a log entry from the keyboard", async ({ page, chiron }) => {
  const text = `Pump B swapped ${chiron.uid("log")}`;
  await signInAs(page, "org:operator", "THERMAL", "Ada");
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("l");
  const composer = page.getByRole("dialog", { name: "Write a log entry" });
  await expect(composer).toBeVisible();
  await expect(composer).toContainText("stamped now");
  await expect(page.getByRole("textbox", { name: "Log entry" })).toBeFocused();
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
  await expect(composer).toHaveCount(0);

  // On the timeline: the newest events list, with the author and the station.
  const latest = page.getByRole("list", { name: "Latest events" });
  await expect(latest.getByRole("listitem").filter({ hasText: text })).toContainText(`Ada (THERMAL): ${text}`);
  const timeline = page.getByRole("img", { name: /Timeline of gate changes/ });
  await expect(timeline).toHaveAccessibleDescription(new RegExp(`Ada \\(THERMAL\\): ${text}`));

  // The log view finds it by text, with the station beside the author, and it is still editable.
  await page.getByRole("button", { name: "Log", exact: true }).click();
  const sheet = page.getByRole("dialog", { name: "Operator log" });
  await sheet.getByLabel("Search", { exact: true }).fill(text.split(" ").at(-1)!);
  await sheet.getByRole("button", { name: "Search", exact: true }).click();
  const entry = sheet.getByRole("listitem").filter({ hasText: text });
  await expect(entry).toContainText("Ada");
  await expect(entry).toContainText("THERMAL");
  await entry.getByRole("button", { name: "Edit" }).click();
  await sheet.getByRole("textbox", { name: "Entry text" }).fill(`${text}, checked`);
  await page.keyboard.press("Enter");
  await expect(entry).toContainText(`${text}, checked`);
  await expect(entry).toContainText("History (1 edit)");
});

test("a viewer reads the log but cannot write", async ({ page }) => {
  await signInAs(page, "org:viewer", "COMMS", "Vic");
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("l");
  await expect(page.getByRole("dialog", { name: "Write a log entry" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Write log/ })).toHaveCount(0);
  await page.getByRole("button", { name: "Log", exact: true }).click();
  await expect(page.getByRole("dialog", { name: "Operator log" })).toBeVisible();
});
