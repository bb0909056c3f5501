/** Alarms on the gate card: an operator acknowledges and shelves; a viewer sees the alarm, no buttons. */
import type { Page } from "@playwright/test";
import { expect, gateCard, hydrated, test } from "./support/fixtures";

async function signInAs(page: Page, org_role: string, station: string, name: string) {
  const minted = await page.request.post("/auth/dev/assertion", { data: { email: `${name.toLowerCase()}@ridgeline.ops`, name, org_role, station } });
  expect(minted.ok(), await minted.text()).toBe(true);
  const { assertion } = (await minted.json()) as { assertion: string };
  const token = await page.request.post("/auth/token", { data: { assertion } });
  expect(token.ok(), await token.text()).toBe(true);
  await page.goto("/");
  await hydrated(page);
}

test("an operator acknowledges, then shelves, from the card", async ({ page, chiron }) => {
  const id = chiron.uid("alm");
  const src = `rover-${id.slice(4)}`;
  const metric = `alm.temp_${id.slice(4)}`;
  const title = `Coolant ${id}`;
  await chiron.putGate(id, { title, source: src, metric, warn: 60, critical: 80, direction: "above", position: 0 });
  await chiron.ingest([{ source: src, metric, value: 82.4, unit: "°C" }]);

  await signInAs(page, "org:operator", "THERMAL", "Ada");
  await expect(page.getByTestId("operator-station")).toContainText("THERMAL · operator");
  const card = gateCard(page, title);
  const alarm = card.getByRole("region", { name: `${title} alarm` });
  await expect(alarm).toHaveAttribute("data-alarm", "unacked");
  await expect(alarm).toContainText("ALARM");
  await expect(alarm).toContainText(/peaked NO-GO 82\.4 °C at \d\d:\d\d/);

  await page.screenshot({ path: test.info().outputPath("alarm-unacked.png") });
  await alarm.getByRole("button", { name: "Acknowledge" }).click();
  await expect(alarm).toHaveAttribute("data-alarm", "acked");
  await expect(alarm).toHaveAttribute("data-motion", "off");
  await expect(alarm).toContainText("ACKNOWLEDGED");
  await expect(alarm).toContainText("by Ada (THERMAL)");

  await alarm.getByRole("button", { name: "Shelve…" }).click();
  await alarm.getByLabel("for").selectOption({ label: "15 min" });
  await alarm.getByPlaceholder("why (required)").fill("coolant sensor swap");
  await alarm.getByRole("button", { name: "Shelve", exact: true }).click();
  await expect(alarm).toHaveAttribute("data-alarm", "shelved");
  await expect(alarm).toContainText(/SHELVED\s*until \d\d:\d\d/);
  await expect(alarm.getByRole("button", { name: "Unshelve" })).toBeVisible();

  const summary = await chiron.summary();
  const gate = (summary.gates as { slug: string; alarm: { state: string; shelved_by: { station: string } } }[]).find((g) => g.slug === id)!;
  expect(gate.alarm.state).toBe("shelved");
  expect(gate.alarm.shelved_by.station).toBe("THERMAL");
});

test("a viewer sees the alarm and no buttons", async ({ page, chiron }) => {
  const id = chiron.uid("alv");
  const src = `rover-${id.slice(4)}`;
  const metric = `alv.temp_${id.slice(4)}`;
  const title = `Radiator ${id}`;
  await chiron.putGate(id, { title, source: src, metric, warn: 60, critical: 80, direction: "above", position: 0 });
  await chiron.ingest([{ source: src, metric, value: 91, unit: "°C" }]);

  await signInAs(page, "org:viewer", "COMMS", "Vic");
  await expect(page.getByTestId("operator-station")).toContainText("COMMS · viewer");
  const alarm = gateCard(page, title).getByRole("region", { name: `${title} alarm` });
  await expect(alarm).toContainText("ALARM");
  await expect(alarm.getByRole("button")).toHaveCount(0);
});
