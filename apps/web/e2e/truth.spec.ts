/**
 * Spec 7 (issue 20): the dashboard tells the truth. A gate on a source that never reported reads
 * NO DATA and is not counted GO; a silent metric turns stale and fresh again on an open page; a
 * page opened during an API outage recovers by itself; a spike is visible in its sparkline; a
 * phone shows no horizontal scroll; every gate, metric and timeline event is reachable by keyboard
 * with a visible focus.
 */
import type { Page } from "@playwright/test";
import { badge, buckets, expect, gateCard, signInQuick as signIn, test } from "./support/fixtures";

const tally = (page: Page, severity: string) => page.getByRole("list", { name: "Gate totals" }).locator(`li[data-severity="${severity}"]`);
const signal = (page: Page, src: string, metric: string) => page.getByRole("region", { name: "Signals" }).locator(`[data-series="${src}/${metric}"]`);
const keyCell = (page: Page, src: string, metric: string) => page.getByRole("region", { name: "Key metrics" }).locator(`[data-series="${src}/${metric}"]`);

test("a gate on a source that never reported shows NO DATA and is not counted GO", async ({ page, chiron }) => {
  const hex = chiron.uid("x").slice(2);
  const title = `Ghost ${hex}`;
  await chiron.putGate(`ghost-${hex}`, { title, source: `ghost-${hex}`, metric: `ghost.level_${hex}`, warn: 70, critical: 85, direction: "above", position: 0 });

  await signIn(page);
  const card = gateCard(page, title);
  await expect(card).toHaveAttribute("data-no-data", "true");
  await expect(card).toHaveAttribute("data-severity", "stale"); // the stale look: grey, hatched, dashed
  await expect(card).toContainText("NO DATA");
  await expect(card).toContainText("never reported");
  await expect(card).not.toContainText(/\bGO\b/);
  await expect(card.locator('svg[data-severity="no-data"]')).toHaveCount(1);

  // The header counts it apart from GO, and agrees with the server's standing.
  const counts = (await chiron.summary()).counts as { gates: Record<string, number> };
  await expect(tally(page, "no-data")).toHaveAttribute("data-count", String(counts.gates.no_data));
  await expect(tally(page, "go")).toHaveAttribute("data-count", String(counts.gates.go));
  expect(counts.gates.no_data).toBeGreaterThanOrEqual(1);
});

test("a metric that goes silent turns stale on the open page, and fresh again when it reports", async ({ page, chiron }) => {
  test.setTimeout(120_000);
  const hex = chiron.uid("x").slice(2);
  const src = `quiet-${hex}`;
  const metric = `quiet.temp_${hex}`; // no gate: the server's default limit (never under 30 s)
  const gated = `quiet.volt_${hex}`; // gated, with the shortest stale_after the API takes (30 s)
  await chiron.putGate(`quiet-${hex}`, { title: `Quiet ${hex}`, source: src, metric: gated, warn: 70, critical: 85, direction: "above", position: 0, stale_after_s: 30 });
  await chiron.ingest([
    { source: src, metric, value: 40, unit: "°C" },
    { source: src, metric: gated, value: 12, unit: "V" },
  ]);

  await signIn(page);
  await expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 15_000 });
  const cell = signal(page, src, metric);
  const gauge = keyCell(page, src, gated);
  await expect(cell).toBeVisible();
  await expect(cell).not.toHaveAttribute("data-stale", /.*/);
  // It goes stale live (the stream's metric event from the server's sweep), without a reload.
  await expect(cell).toHaveAttribute("data-stale", "true", { timeout: 60_000 });
  await expect(cell.locator('svg[data-severity="stale"]')).toHaveCount(1); // the clock glyph, with its age
  await expect(cell).toHaveAccessibleName(/, stale$/);
  await expect(cell.locator("h4")).toContainText(/\d+s/); // its age beside the clock
  await expect(signal(page, src, gated)).toHaveAttribute("data-stale", "true", { timeout: 10_000 });
  await expect(gauge).toHaveAttribute("data-stale", "true", { timeout: 10_000 });
  await expect(gauge).toContainText(/STALE · \d+s/);

  await chiron.ingest([
    { source: src, metric, value: 41.5, unit: "°C" },
    { source: src, metric: gated, value: 12.5, unit: "V" },
  ]);
  await expect(cell).not.toHaveAttribute("data-stale", /.*/, { timeout: 5_000 });
  await expect(cell).toContainText("41.5");
  await expect(gauge).not.toHaveAttribute("data-stale", /.*/, { timeout: 5_000 });
});

test("a page opened while the API is down says so, and goes LIVE with data once the API is back", async ({ page, chiron }) => {
  test.setTimeout(90_000);
  const hex = chiron.uid("x").slice(2);
  const title = `Back ${hex}`;
  await chiron.putGate(`back-${hex}`, { title, source: `back-${hex}`, metric: `back.level_${hex}`, warn: 70, critical: 85, direction: "above", position: 0 });
  await chiron.ingest([{ source: `back-${hex}`, metric: `back.level_${hex}`, value: 12.5, unit: "m" }]);
  await signIn(page); // the session cookie, while the API is up

  await chiron.stopApi();
  // The browser's summary requests (the first, then its retries), counted as the page makes them.
  let asked = 0;
  page.on("request", (req) => {
    if (new URL(req.url()).pathname === "/api/v1/dashboard/summary") asked += 1;
  });
  await page.goto("/");
  await expect(page.getByRole("status").filter({ hasText: "not answering" })).toContainText("Retrying", { timeout: 15_000 });
  await expect(badge(page)).not.toHaveAttribute("data-status", "live");
  // Several failed attempts in, past the old limit of 3 retries (the first request and 3 more).
  await expect.poll(() => asked, { timeout: 30_000, message: "summary requests while the API is down" }).toBeGreaterThan(4);
  await expect(badge(page)).not.toHaveAttribute("data-status", "live");

  await chiron.startApi();
  await expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 20_000 });
  await expect(gateCard(page, title)).toContainText("12.5m", { timeout: 10_000 });
  await expect(page.getByRole("status").filter({ hasText: "not answering" })).toHaveCount(0);
});

test("a spike among ordinary readings stays visible in its sparkline", async ({ page, chiron }) => {
  const hex = chiron.uid("x").slice(2);
  const src = `spike-${hex}`;
  const metric = `spike.load_${hex}`;
  const at = buckets(8);
  // ~50 readings near 50, five per 10 s bucket; one bucket also holds a 999 (its mean is ~240).
  const values = Array.from({ length: 50 }, (_, i) => 49 + (i % 3));
  values[27] = 999;
  await chiron.ingest(values.map((value, i) => ({ source: src, metric, value, unit: "%", ts: new Date(Date.parse(at(Math.floor(i / 5))) + (i % 5) * 1000).toISOString() })));

  await signIn(page);
  const spark = page.getByRole("img", { name: new RegExp(`\\(${src} · ${metric.replace(".", "\\.")}\\)$`) });
  await expect(spark).toHaveAccessibleDescription(/window min 49 %, max 999 %/);
  const cell = signal(page, src, metric);
  await expect(cell).toContainText("999"); // the range beside the chart
  // The envelope reaches the top of the chart: the spike is drawn, not averaged into a bump.
  const top = await spark.evaluate((svg) => {
    const env = svg.querySelector<SVGGraphicsElement>("path.chiron-sparkline__envelope");
    if (!env) return null;
    return env.getBoundingClientRect().top - svg.getBoundingClientRect().top;
  });
  expect(top).not.toBeNull();
  expect(top!).toBeLessThan(8);
});

// No horizontal scroll at any of the three sizes, with an alarm raised (its cards and the alarm
// list are the widest things the page draws) and the operator chip in the header (it pushed a
// 1440 px page 76 px wide).
for (const { width, height } of [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
  { width: 1600, height: 1000 },
]) {
  test.describe(`at ${width} x ${height}`, () => {
    test.use({ viewport: { width, height } });

    test("the dashboard renders without horizontal scroll, alarms active", async ({ page, chiron }) => {
      const id = chiron.uid("hs");
      const src = `wide-${id.slice(3)}`;
      const metric = `hs.temp_${id.slice(3)}`;
      await chiron.putGate(id, { title: `Overflow ${id}`, source: src, metric, warn: 60, critical: 80, direction: "above", position: 0 });
      await chiron.ingest([{ source: src, metric, value: 91.5, unit: "°C" }]);
      await signIn(page);
      await expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 15_000 });
      await expect(page.getByRole("region", { name: "Timeline" })).toBeAttached();
      await expect(gateCard(page, `Overflow ${id}`).getByRole("region", { name: `Overflow ${id} alarm` })).toContainText("ALARM");
      await expect(page.getByRole("region", { name: /^Alarms/ }).getByRole("listitem", { name: `Overflow ${id}: ALARM` })).toBeVisible();
      await expect(page.getByTestId("operator-station")).toBeAttached();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    });
  });
}

test("every gate, metric and timeline event is reachable by keyboard, with a visible focus", async ({ page, chiron }) => {
  // Up to 600 Tab presses past every gate the suite has made so far: a minute or more on a loaded machine.
  test.setTimeout(240_000);
  const hex = chiron.uid("x").slice(2);
  const src = `keys-${hex}`;
  const metric = `keys.level_${hex}`;
  await chiron.putGate(`keys-${hex}`, { title: `Keys ${hex}`, source: src, metric, warn: 70, critical: 85, direction: "above", position: 0 });
  await chiron.ingest([{ source: src, metric, value: 75, unit: "%" }]); // GO -> HOLD: a timeline event

  await signIn(page);
  await expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 15_000 });
  // What each focused element is, and whether its focus shows, is recorded in the page as
  // focus lands (a focusin listener), so the walk needs no round trip per press to look.
  await page.evaluate(() => {
    const w = window as unknown as { __walk: { kind: string; visible: boolean }[] };
    w.__walk = [];
    document.addEventListener("focusin", (event) => {
      const el = event.target as HTMLElement;
      const kind = el.matches('[aria-labelledby="gates-heading"] article')
        ? "gate"
        : el.matches("[data-series]") && el.closest('[aria-labelledby="key-metrics-heading"]')
          ? "key-metric"
          : el.matches("[data-series]")
            ? "signal"
            : el.matches(".chiron-timeline__hit")
              ? "timeline-marker"
              : el.matches("li[data-event]")
                ? "timeline-event"
                : null;
      if (!kind) return;
      const style = getComputedStyle(el);
      w.__walk.push({ kind, visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 });
    });
  });
  const walked = () => page.evaluate(() => (window as unknown as { __walk: { kind: string; visible: boolean }[] }).__walk);
  let seen: { kind: string; visible: boolean }[] = [];
  for (let i = 0; i < 600 && new Set(seen.map((s) => s.kind)).size < 5; i += 20) {
    for (let j = 0; j < 20; j++) await page.keyboard.press("Tab");
    seen = await walked();
  }
  const kinds = new Set(seen.map((s) => s.kind));
  const unfocusedLook = seen.filter((s) => !s.visible).map((s) => s.kind);
  expect([...kinds].sort()).toEqual(["gate", "key-metric", "signal", "timeline-event", "timeline-marker"]);
  expect(unfocusedLook, "elements whose focus is not visible").toEqual([]);
});
