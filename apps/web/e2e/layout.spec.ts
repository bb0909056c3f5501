/**
 * The design's layout on a crowded day (issue 20): at 1600 x 1000, with 11 gates, active alarms,
 * an open poll and a closed poll's result, the gates, key metrics, signals and the timeline's
 * first event are all above the fold; key metrics and signals share a row and every gauge is
 * shown; no gate card cuts its threshold. At 390 x 844 the page has no horizontal scroll.
 * Geometry only (bounding boxes, scroll sizes): no timing.
 */
import type { Locator, Page } from "@playwright/test";
import { expect, signInQuick as signIn, test, type GateIn } from "./support/fixtures";

const FOLD = { width: 1600, height: 1000 };

type Seed = { slug: string; gate: GateIn; values: number[]; unit: string };

/** Up to eleven gates on five devices; the first three go bad (two unacknowledged alarms, one returned). */
function crowdedDay(hex: string): Seed[] {
  const src = (name: string) => `${name}-${hex}`;
  const g = (slug: string, title: string, source: string, metric: string, direction: "above" | "below", warn: number, critical: number, unit: string, ...values: number[]): Seed => ({
    slug: `lay-${slug}-${hex}`,
    gate: { title, source: src(source), metric, warn, critical, direction, position: 0 },
    values,
    unit,
  });
  return [
    g("bus", "Propulsion bus", "core", "bus.voltage", "below", 26, 24, "V", 23.1, 28.1),
    g("therm", "Thermal envelope", "core", "core.temp", "above", 80, 90, "°C", 84.2),
    g("lat", "Uplink latency", "relay", "link.latency", "above", 300, 500, "ms", 640),
    g("soc", "Power reserve", "rover-1", "battery.soc", "below", 35, 20, "%", 90),
    g("lq", "Telemetry link", "relay", "link.quality", "below", 60, 40, "%", 96),
    g("motor", "Drive motors", "rover-1", "motor.temp", "above", 68, 80, "°C", 46.2),
    g("cpu", "Compute headroom", "rover-2", "cpu.load", "above", 85, 95, "%", 33),
    g("slip", "Wheel slip", "rover-2", "wheel.slip", "above", 12, 20, "%", 3.1),
    g("nav", "Navigation error", "rover-1", "nav.error", "above", 0.5, 1, "m", 0.21),
    g("rtt", "Ground link round-trip", "gs", "link.rtt", "above", 400, 800, "ms", 142),
    g("hyd", "Hydraulic pressure", "rover-2", "hyd.pressure", "below", 1250, 1000, "kPa", 1480),
  ];
}

async function box(loc: Locator, name: string) {
  const b = await loc.boundingBox();
  expect(b, `${name} has a box`).not.toBeNull();
  return b!;
}

/** Inside the viewport: top at or below 0, bottom at or above the fold. */
async function aboveTheFold(page: Page, loc: Locator, name: string) {
  const b = await box(loc, name);
  expect(b.y, `${name} top`).toBeGreaterThanOrEqual(0);
  expect(b.y + b.height, `${name} bottom (fold at ${FOLD.height})`).toBeLessThanOrEqual(page.viewportSize()!.height);
  expect(b.x + b.width, `${name} right`).toBeLessThanOrEqual(page.viewportSize()!.width);
}

test("1600x1000 with 11 gates, alarms and polls: everything above the fold; 390x844 without sideways scroll", async ({ page, chiron }) => {
  test.setTimeout(90_000);
  const hex = chiron.uid("l").slice(2);
  // Eleven gates in all, whatever the specs before this one left (a band of two rows either way),
  // at least four of them this spec's.
  const existing = ((await chiron.summary()).gates as unknown[]).length;
  const seeds = crowdedDay(hex).slice(0, Math.max(4, 11 - existing));
  for (const s of seeds) await chiron.putGate(s.slug, s.gate);
  for (const s of seeds) {
    for (const value of s.values) await chiron.ingest([{ source: s.gate.source, metric: s.gate.metric, value, unit: s.unit }]);
  }
  const open = `Go for south traverse ${hex}?`;
  const closed = `Go for drive ${hex}?`;
  await chiron.openPoll(open, ["POWER", "THERMAL"], [seeds[0]!.slug, seeds[1]!.slug]);
  const done = await chiron.openPoll(closed, ["POWER", "GUIDANCE"], [seeds[2]!.slug]);
  expect((await chiron.closePoll(done.id)).outcome).toBe("no-go");

  await page.setViewportSize(FOLD);
  await signIn(page);
  const gates = page.getByRole("region", { name: "Gates" });
  for (const s of seeds) await expect(gates.getByRole("article", { name: s.gate.title, exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: `Poll: ${open}` })).toBeVisible();
  await expect(page.getByRole("region", { name: `Poll result: ${closed}` })).toContainText("NO-GO");
  await expect(gates.getByRole("article", { name: "Uplink latency", exact: true }).getByRole("region", { name: "Uplink latency alarm" })).toHaveAttribute("data-alarm", "unacked");
  const keyMetrics = page.getByRole("region", { name: "Key metrics" });
  const signals = page.getByRole("region", { name: "Signals" });
  const timeline = page.getByRole("region", { name: "Timeline" });
  const firstEvent = timeline.getByRole("list", { name: "Latest events" }).getByRole("listitem").first();
  await expect(firstEvent).toContainText(hex);
  await expect(keyMetrics.locator("[data-series]")).toHaveCount(await gates.getByRole("article").count());

  // Above the fold: the gates band, both metric panels, the timeline's chart and its first event.
  await aboveTheFold(page, gates, "gates band");
  await aboveTheFold(page, keyMetrics, "key metrics");
  await aboveTheFold(page, signals, "signals");
  await aboveTheFold(page, page.getByTestId("timeline-brush"), "timeline chart");
  await aboveTheFold(page, firstEvent, "timeline's first event");

  // Key metrics and signals side by side: one row, key metrics on the left.
  const k = await box(keyMetrics, "key metrics");
  const s = await box(signals, "signals");
  expect(Math.abs(k.y - s.y), "key metrics and signals start on the same line").toBeLessThanOrEqual(2);
  expect(k.x + k.width, "key metrics left of signals").toBeLessThanOrEqual(s.x);

  // Every key metric is shown whole, or the panel says how many are out of view ("+N more"): no
  // gauge silently hidden in the panel's inner scroll.
  const cut = await keyMetrics.locator("[data-series]").evaluateAll((cells) =>
    cells.flatMap((cell) => {
      const clip = cell.parentElement!.getBoundingClientRect();
      const r = cell.getBoundingClientRect();
      const inside = r.top >= clip.top - 1 && r.bottom <= clip.bottom + 1 && r.left >= clip.left - 1 && r.right <= clip.right + 1;
      return inside && r.bottom <= window.innerHeight ? [] : [cell.getAttribute("aria-label")];
    }),
  );
  const more = keyMetrics.getByText(/^\+\d+ more$/);
  if (cut.length === 0) await expect(more).toHaveCount(0);
  else {
    await expect(more, `key metrics cut without a cue: ${cut.join("; ")}`).toHaveText(`+${cut.length} more`);
    await aboveTheFold(page, more, "the key metrics' +N more");
  }

  // No gate card cuts its threshold: the threshold's text fits its box and lies inside the card.
  const mine = seeds.map((x) => `gate-${x.slug}`);
  const clipped = await gates.getByRole("article").evaluateAll((cards, ids) =>
    cards.filter((card) => ids.includes(card.getAttribute("aria-labelledby") ?? "")).flatMap((card) => {
      const c = card.getBoundingClientRect();
      const spans = [...card.querySelectorAll("p span")].filter((el) => /^(warn|crit) /.test(el.textContent ?? ""));
      if (spans.length === 0) return [`${card.getAttribute("aria-labelledby")}: no threshold text`];
      return spans.flatMap((el) => {
        const r = el.getBoundingClientRect();
        const fits = el.scrollWidth <= el.clientWidth + 1 && r.left >= c.left && r.right <= c.right && r.top >= c.top && r.bottom <= c.bottom;
        return fits ? [] : [`${card.getAttribute("aria-labelledby")}: "${el.textContent}"`];
      });
    }),
    mine,
  );
  expect(clipped, "gate cards whose threshold is cut").toEqual([]);

  // The timeline's filters are folded behind one button, opened from the keyboard.
  const filter = timeline.getByRole("button", { name: "Filter", exact: true });
  await expect(filter).toHaveAttribute("aria-expanded", "false");
  await expect(timeline.getByRole("form", { name: "Timeline filters" })).toBeHidden();
  await filter.focus();
  await page.keyboard.press("Enter");
  await expect(filter).toHaveAttribute("aria-expanded", "true");
  await expect(timeline.getByRole("form", { name: "Timeline filters" }).getByRole("checkbox", { name: "gate transition" })).toBeVisible();

  // A phone: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect
    .poll(() => page.evaluate(() => document.scrollingElement!.scrollWidth - document.scrollingElement!.clientWidth), { message: "horizontal overflow at 390x844" })
    .toBeLessThanOrEqual(0);
});
