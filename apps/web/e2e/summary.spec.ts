/** Spec 2: the server-rendered summary shows the ingested numbers, status words and timeline entries. */
import { buckets, expect, gateCard, signInQuick as signIn, test } from "./support/fixtures";

test("gates, metrics and timeline show the ingested values", async ({ page, chiron }) => {
  const id = chiron.uid("sum");
  const src = `rover-${id.slice(4)}`;
  const temp = `sum.motor_${id.slice(4)}`; // unique metric names keep titles unique on the shared page
  const volt = `sum.battery_${id.slice(4)}`;
  const load = `sum.load_${id.slice(4)}`;
  await chiron.putGate(`${id}-temp`, { title: `Motor ${id}`, source: src, metric: temp, warn: 60, critical: 80, direction: "above", position: 1 });
  await chiron.putGate(`${id}-volt`, { title: `Battery ${id}`, source: src, metric: volt, warn: 12, critical: 11.5, direction: "below", position: 2 });
  await chiron.putGate(`${id}-load`, { title: `Load ${id}`, source: src, metric: load, warn: 70, critical: 90, direction: "above", position: 3 });

  const at = buckets(0.5); // recent, so the transitions sit on the timeline's 30-minute axis
  const res = await chiron.ingest([
    { source: src, metric: temp, value: 40.0, unit: "°C", ts: at(0) },
    { source: src, metric: temp, value: 45.5, unit: "°C", ts: at(1) },
    { source: src, metric: temp, value: 42.5, unit: "°C", ts: at(2) },
    { source: src, metric: volt, value: 12.6, unit: "V", ts: at(0) },
    { source: src, metric: volt, value: 11.2, unit: "V", ts: at(2) },
    { source: src, metric: load, value: 75.4, unit: "%", ts: at(2) },
  ]);
  expect(res).toBeTruthy();

  await signIn(page);

  // Gate cards: status word, value, unit and the threshold that set it.
  const motor = gateCard(page, `Motor ${id}`);
  await expect(motor).toHaveAttribute("data-severity", "go");
  await expect(motor.locator("p").filter({ hasText: /^(GO|HOLD|NO-GO)/ })).toHaveText("GO");
  await expect(motor).toContainText("42.5°C");
  await expect(motor).toContainText("warn > 60.0");
  await expect(motor).toContainText(`${src} · ${temp}`);

  const battery = gateCard(page, `Battery ${id}`);
  await expect(battery).toHaveAttribute("data-severity", "no-go");
  await expect(battery.locator("p").filter({ hasText: /^(GO|HOLD|NO-GO)/ })).toHaveText("NO-GO");
  await expect(battery).toContainText("11.2V");
  await expect(battery).toContainText("crit < 11.5");

  const loadCard = gateCard(page, `Load ${id}`);
  await expect(loadCard).toHaveAttribute("data-severity", "hold");
  await expect(loadCard.locator("p").filter({ hasText: /^(GO|HOLD|NO-GO)/ })).toHaveText("HOLD");
  await expect(loadCard).toContainText("75%"); // percentages of 10 and up read as whole numbers
  await expect(loadCard).toContainText("warn > 70");

  // Signals: each sparkline's text alternative carries the latest reading, the window's min / max and point count.
  const spark = (metric: string, title: string) => page.getByRole("img", { name: `${title} (${src} · ${metric})`, exact: true });
  await expect(spark(temp, `Sum motor ${id.slice(4)}`)).toHaveAccessibleDescription(
    `Sum motor ${id.slice(4)} (${src} · ${temp}): latest 42.5 °C; window min 40.0 °C, max 45.5 °C, over 3 points.`,
  );
  await expect(spark(volt, `Sum battery ${id.slice(4)}`)).toHaveAccessibleDescription(/latest 11\.2 V; window min 11\.2 V, max 12\.6 V, over 2 points/);

  // Key metrics: the radial gauge's text alternative has the reading and the level word.
  const gauge = (title: string) => page.getByRole("region", { name: "Key metrics" }).getByRole("img", { name: title, exact: true });
  await expect(gauge(`Sum motor ${id.slice(4)}`)).toHaveAccessibleDescription(/: 42\.5 °C, NOMINAL \(warn above 60\.0, critical above 80\.0\)/);
  await expect(gauge(`Sum battery ${id.slice(4)}`)).toHaveAccessibleDescription(/: 11\.2 V, CRITICAL \(warn below 12\.0, critical below 11\.5\)/);
  await expect(gauge(`Sum load ${id.slice(4)}`)).toHaveAccessibleDescription(/: 75 %, WARN \(warn above 70, critical above 90\)/);

  // Timeline: the transitions those samples caused, with the reading that crossed (its text alternative
  // lists every event on the axis; the "Latest events" list only the newest five of the whole stack).
  const timeline = page.getByRole("img", { name: /Timeline of gate changes/ });
  await expect(timeline).toHaveAccessibleDescription(new RegExp(`Gates: Battery ${id}: GO → NO-GO \\(${volt.replace(".", "\\.")} on ${src} at 11\\.2 V crossed 11\\.5 V\\)`));
  await expect(timeline).toHaveAccessibleDescription(new RegExp(`Gates: Load ${id}: GO → HOLD \\(${load.replace(".", "\\.")} on ${src} at 75\\.4 % crossed 70 %\\)`));
  await expect(timeline).not.toHaveAccessibleDescription(new RegExp(`Motor ${id}:`));
});
