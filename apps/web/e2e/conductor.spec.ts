/**
 * The time conductor on the real stack: switch live windows, pause while samples arrive (none
 * lost on resume), brush a range on the timeline, open a metric's detail, jump to now, and a
 * shared link to a past range reproducing the same view (a past NO-GO shows as NO-GO).
 */
import type { Page } from "@playwright/test";
import { expect, gateCard, signInQuick as signIn, test } from "./support/fixtures";

const conductor = (page: Page) => page.getByRole("group", { name: "Time conductor" });
const rangeText = (page: Page) => page.getByTestId("conductor-range");

async function seed(chiron: import("./support/fixtures").Chiron) {
  const hex = chiron.uid("c").slice(2);
  const src = `probe-${hex}`;
  const metric = `cond.level_${hex}`;
  const gateTitle = `Cond ${hex}`;
  await chiron.putGate(`cond-${hex}`, { title: gateTitle, source: src, metric, warn: 40, critical: 50, direction: "above", position: 0 });
  const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
  // GO, then a NO-GO 20 minutes ago, back to GO 5 minutes ago.
  await chiron.ingest([{ source: src, metric, value: 10, unit: "m", ts: ago(40) }]);
  await chiron.ingest([{ source: src, metric, value: 60, unit: "m", ts: ago(20) }]);
  await chiron.ingest([{ source: src, metric, value: 12, unit: "m", ts: ago(5) }]);
  return { hex, src, metric, gateTitle, title: `Cond level ${hex}` };
}

test("windows, pause with samples arriving, brush, metric detail, jump to now", async ({ page, chiron }) => {
  test.setTimeout(90_000);
  const s = await seed(chiron);
  await signIn(page);
  const bar = conductor(page);
  await expect(bar).toBeVisible();
  await expect(rangeText(page)).toContainText("LIVE");

  // Switch windows: the URL says it, the bands say it.
  await bar.getByRole("button", { name: "1h", exact: true }).click();
  await expect(bar.getByRole("button", { name: "1h", exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect(page).toHaveURL(/[?&]window=1h/);
  await expect(page.getByRole("region", { name: "Signals" })).toContainText("last 1h");
  await expect(page.getByRole("region", { name: "Timeline" })).toContainText("last 1h");

  // Pause: samples keep arriving but the view holds; resume draws every one of them.
  const card = gateCard(page, s.gateTitle);
  await expect(card).toContainText("12.0m");
  await bar.getByRole("button", { name: "Pause", exact: true }).click();
  await expect(rangeText(page)).toContainText("PAUSED");
  await chiron.ingest([41, 42, 43].map((value) => ({ source: s.src, metric: s.metric, value, unit: "m" })));
  await expect(rangeText(page)).toContainText(/updates waiting/);
  await expect(card).toContainText("12.0m");
  await expect(card).toHaveAttribute("data-severity", "go");
  await bar.getByRole("button", { name: "Resume", exact: true }).click();
  await expect(card).toContainText("43.0m");
  await expect(card).toHaveAttribute("data-severity", "hold");
  const signal = page.locator(`[data-series="${s.src}/${s.metric}"]`).last();
  await expect(signal.getByRole("img", { name: `${s.title} (${s.src} · ${s.metric})`, exact: true })).toHaveAccessibleDescription(/max 60\.0 m/);

  // Metric detail: Enter on the signal opens the dialog for the range; Escape closes it.
  await signal.focus();
  await page.keyboard.press("Enter");
  const detail = page.getByTestId("metric-detail");
  await expect(detail).toBeVisible();
  await expect(detail.getByRole("heading")).toContainText(s.metric);
  await expect(page.getByTestId("metric-detail-summary")).toContainText(/readings in \d+ buckets.*max 60\.0 m/);
  await expect(detail.getByRole("link", { name: "Download CSV" })).toHaveAttribute("href", /format=csv/);
  await detail.getByRole("img").focus();
  await page.keyboard.press("End");
  await expect(page.getByTestId("range-readout")).toContainText(/mean 4\d\.\d m/);
  await page.keyboard.press("Escape");
  await expect(detail).toBeHidden();

  // Brush a range on the timeline band: fixed mode, in the URL.
  const brush = page.getByTestId("timeline-brush");
  const box = (await brush.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(rangeText(page)).toContainText("FIXED");
  await expect(page).toHaveURL(/[?&]from=.*&to=/);

  // Jump to now: live again.
  await bar.getByRole("button", { name: "Now", exact: true }).click();
  await expect(rangeText(page)).toContainText("LIVE");
  await expect(page).not.toHaveURL(/from=/);
});

test("a shared link to a past range shows the same view: the past NO-GO, in a fresh browser", async ({ page, browser, chiron }) => {
  test.setTimeout(60_000);
  const s = await seed(chiron);
  const from = new Date(Date.now() - 30 * 60_000).toISOString().slice(0, 19) + "Z";
  const to = new Date(Date.now() - 15 * 60_000).toISOString().slice(0, 19) + "Z";
  await signIn(page, { query: `?from=${from}&to=${to}` });
  await expect(rangeText(page)).toContainText("FIXED");
  const card = gateCard(page, s.gateTitle);
  await expect(card).toHaveAttribute("data-severity", "no-go");
  const url = page.url();

  const fresh = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const other = await fresh.newPage();
  await signIn(other, { query: new URL(url).search });
  await expect(rangeText(other)).toHaveText(await rangeText(page).innerText());
  await expect(gateCard(other, s.gateTitle)).toHaveAttribute("data-severity", "no-go");
  // The timeline lists the range: the NO-GO's transition is in it.
  await expect(other.getByTestId("timeline-events")).toContainText(new RegExp(s.hex));
  await other.getByRole("button", { name: "Now", exact: true }).click();
  await expect(gateCard(other, s.gateTitle)).toHaveAttribute("data-severity", "go");
  await fresh.close();
});

test("a bad URL value falls back to live, visibly", async ({ page }) => {
  await signIn(page, { query: "?window=2h" });
  await expect(page.getByTestId("conductor-notice")).toContainText("window=2h");
  await expect(rangeText(page)).toContainText("LIVE");
});
