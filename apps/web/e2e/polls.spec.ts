/** A readiness poll end to end: the director opens it with a gate, two stations answer GO from
 * their own browser contexts (the director sees it live), the gate goes NO-GO, the director
 * closes it and every session sees the server's outcome with its reasons; a viewer, no buttons. */
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, hydrated, test } from "./support/fixtures";

// Each session is a live dashboard of its own (on the stream, redrawing every event): closed
// after the test, or they stay open through the rest of the run and take CPU from every later spec.
// Four of them on 2 cores: without animations (motion.spec is the one about motion), so their
// charts do not tween on every event.
const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function session(browser: Browser, baseURL: string | undefined, org_role: string, station: string, name: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, reducedMotion: "reduce" });
  contexts.push(context);
  const page = await context.newPage();
  const minted = await page.request.post("/auth/dev/assertion", { data: { email: `${name.toLowerCase()}@ridgeline.ops`, name, org_role, station } });
  expect(minted.ok(), await minted.text()).toBe(true);
  const { assertion } = (await minted.json()) as { assertion: string };
  const token = await page.request.post("/auth/token", { data: { assertion } });
  expect(token.ok(), await token.text()).toBe(true);
  await page.goto("/");
  await hydrated(page);
  return page;
}

test("the director opens a poll, two stations answer GO, a gate goes NO-GO, the close says NO-GO and why", async ({ browser, baseURL, chiron }) => {
  // Four dashboards signing in and hydrating one after the other: 43 s at load average ~13 on
  // 2 cores, and past 90 s at 15-17 (every action a few seconds).
  test.setTimeout(150_000);
  const id = chiron.uid("pg");
  const gateTitle = `Drive bus ${id}`;
  const src = `rover-${id.slice(3)}`;
  const metric = `pg.volt_${id.slice(3)}`;
  await chiron.putGate(id, { title: gateTitle, source: src, metric, warn: 26, critical: 24, direction: "below", position: 0 });
  await chiron.ingest([{ source: src, metric, value: 28.2, unit: "V" }]);

  const question = `Go for drive ${id}?`;
  const director = await session(browser, baseURL, "org:director", "FLIGHT", "Gene");
  await director.getByRole("button", { name: "Open a poll…" }).click();
  const opener = director.getByRole("form", { name: "Open a poll" });
  await opener.getByLabel("Question").fill(question);
  await opener.getByLabel("Stations").fill("power, thermal");
  await opener.getByRole("checkbox", { name: gateTitle }).check();
  await opener.getByRole("button", { name: "Open poll" }).click();
  const seenByDirector = director.getByRole("region", { name: `Poll: ${question}` });
  await expect(seenByDirector).toContainText("POWER waiting");
  await expect(seenByDirector).toContainText("THERMAL waiting");
  await expect(seenByDirector.getByRole("list", { name: "Gates" })).toContainText(`${gateTitle} GO`);

  const viewer = await session(browser, baseURL, "org:viewer", "COMMS", "Vic");
  const seenByViewer = viewer.getByRole("region", { name: `Poll: ${question}` });
  await expect(seenByViewer).toContainText("POWER waiting");
  await expect(seenByViewer.getByRole("button")).toHaveCount(0);

  const power = await session(browser, baseURL, "org:operator", "POWER", "Pat");
  const thermal = await session(browser, baseURL, "org:operator", "THERMAL", "Tess");
  await power.getByRole("region", { name: `Poll: ${question}` }).getByRole("button", { name: "GO", exact: true }).click();
  await thermal.getByRole("region", { name: `Poll: ${question}` }).getByRole("button", { name: "GO", exact: true }).click();
  await expect(seenByDirector).toContainText("POWER GO");
  await expect(seenByDirector).toContainText("THERMAL GO");
  await thermal.context().close(); // its part is done: one live dashboard fewer from here on

  // The gate goes NO-GO before the close: the director sees it live in the poll, and the
  // server's outcome is NO-GO with that reason, although every station said GO.
  await chiron.ingest([{ source: src, metric, value: 23.1, unit: "V" }]);
  await expect(seenByDirector.getByRole("list", { name: "Gates" })).toContainText(`${gateTitle} NO-GO`);
  await seenByDirector.getByRole("button", { name: "Close poll" }).click();
  await expect(seenByDirector).toHaveCount(0);
  await expect(seenByViewer).toHaveCount(0);

  for (const page of [director, viewer, power]) {
    const result = page.getByRole("region", { name: `Poll result: ${question}` });
    await expect(result).toContainText("NO-GO");
    await expect(result.getByRole("list", { name: "Reasons" })).toContainText(`Gate ${id} is NO-GO`);
    await expect(result.getByRole("list", { name: "Answers" })).toContainText("THERMAL GO");
  }
  const closed = await director.request.get("/api/v1/polls?state=closed");
  const poll = ((await closed.json()) as { items: { question: string; outcome: string; closed_by: { name: string }; reasons: { code: string }[] }[] }).items.find((p) => p.question === question)!;
  expect(poll.outcome).toBe("no-go");
  expect(poll.reasons.map((r) => r.code)).toContain("gate_status");
  expect(poll.closed_by.name).toBe("Gene");
});
