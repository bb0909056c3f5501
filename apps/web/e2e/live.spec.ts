/** Spec 4: a sample ingested through the API shows up within 2 s; a threshold crossing flips a gate and adds a pulse. */
import { badge, buckets, expect, gateCard, signInQuick as signIn, test } from "./support/fixtures";

test("ingested samples move the sparkline and gauge within 2 s, and a crossing flips the gate and pulses the timeline", async ({ page, chiron }) => {
  const hex = chiron.uid("x").slice(2);
  const src = `probe-${hex}`;
  const metric = `live.core_${hex}`;
  const title = `Live core ${hex}`;
  const gateTitle = `Core ${hex}`;
  await chiron.putGate(`live-${hex}`, { title: gateTitle, source: src, metric, warn: 70, critical: 85, direction: "above", position: 0 });
  await chiron.ingest([{ source: src, metric, value: 50.0, unit: "°C", ts: buckets(2)(0) }]);

  await signIn(page);
  await expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 15_000 });
  const card = gateCard(page, gateTitle);
  const spark = page.getByRole("img", { name: `${title} (${src} · ${metric})`, exact: true });
  const gauge = page.getByRole("region", { name: "Key metrics" }).getByRole("img", { name: title, exact: true });
  const latest = page.getByRole("list", { name: "Latest events" });
  // Markers near in time are drawn as one counted cluster: count the events the markers hold.
  const onAxis = () => page.locator(".chiron-timeline__hit").evaluateAll((els) => els.reduce((n, el) => n + Number(el.getAttribute("data-count") ?? 1), 0));
  await expect(card).toHaveAttribute("data-severity", "go");
  await expect(spark).toHaveAccessibleDescription(/latest 50\.0 °C; .* over 1 points/);
  const pulsesBefore = await onAxis();

  // A reading under the thresholds: value moves, gate stays GO.
  await chiron.ingest([{ source: src, metric, value: 63.7, unit: "°C" }]);
  const fast = { timeout: 2_000 };
  await expect(spark).toHaveAccessibleDescription(/latest 63\.7 °C; window min 50\.0 °C, max 63\.7 °C, over 2 points/, fast);
  await expect(gauge).toHaveAccessibleDescription(/: 63\.7 °C, NOMINAL/, fast);
  await expect(card).toContainText("63.7°C", fast);
  await expect(card).toHaveAttribute("data-severity", "go");

  // A crossing of the critical threshold: NO-GO, and a new timeline event arrives as the newest pulse.
  await chiron.ingest([{ source: src, metric, value: 91.2, unit: "°C" }]);
  await expect(card).toHaveAttribute("data-severity", "no-go", fast);
  await expect(card.locator("p").filter({ hasText: /^(GO|HOLD|NO-GO)/ })).toHaveText("NO-GO", fast);
  await expect(card).toContainText("91.2°C", fast);
  await expect(card).toContainText("crit > 85.0", fast);
  await expect(gauge).toHaveAccessibleDescription(/: 91\.2 °C, CRITICAL/, fast);
  await expect(latest.locator("li").first()).toContainText(`${gateTitle}: GO → NO-GO`, fast);
  await expect.poll(onAxis, fast).toBe(pulsesBefore + 1);
  const esc = gateTitle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  await expect(page.getByRole("img", { name: /Timeline of gate changes/ })).toHaveAccessibleDescription(new RegExp(`Gates: ${esc}: GO → NO-GO`), fast);
  await expect(page.locator("svg.chiron-timeline [data-newest]")).toHaveCount(1);
  await expect(page.locator("svg.chiron-timeline [data-newest] .chiron-timeline__pulse").first()).toBeAttached();
});
