/** A readiness poll end to end: the director opens it, the polled station answers GO from its own
 * session (the director sees it live), the director closes it GO; a viewer sees it, no buttons. */
import type { Browser, Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";

async function session(browser: Browser, baseURL: string | undefined, org_role: string, station: string, name: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const minted = await page.request.post("/auth/dev/assertion", { data: { email: `${name.toLowerCase()}@ridgeline.ops`, name, org_role, station } });
  expect(minted.ok(), await minted.text()).toBe(true);
  const { assertion } = (await minted.json()) as { assertion: string };
  const token = await page.request.post("/auth/token", { data: { assertion } });
  expect(token.ok(), await token.text()).toBe(true);
  await page.goto("/");
  return page;
}

test("the director opens a poll, the station answers GO, the director closes it GO", async ({ browser, baseURL, chiron }) => {
  const question = `Go for drive ${chiron.uid("poll")}?`;
  const director = await session(browser, baseURL, "org:director", "FLIGHT", "Gene");
  const opener = director.getByRole("form", { name: "Open a poll" });
  await opener.getByLabel("Question").fill(question);
  await opener.getByLabel("Stations").fill("power");
  await opener.getByRole("button", { name: "Open poll" }).click();
  const seenByDirector = director.getByRole("region", { name: `Poll: ${question}` });
  await expect(seenByDirector).toContainText("POWER waiting");

  const viewer = await session(browser, baseURL, "org:viewer", "COMMS", "Vic");
  const seenByViewer = viewer.getByRole("region", { name: `Poll: ${question}` });
  await expect(seenByViewer).toContainText("POWER waiting");
  await expect(seenByViewer.getByRole("button")).toHaveCount(0);

  const power = await session(browser, baseURL, "org:operator", "POWER", "Pat");
  const seenByPower = power.getByRole("region", { name: `Poll: ${question}` });
  await seenByPower.getByRole("button", { name: "GO", exact: true }).click();
  await expect(seenByPower).toContainText("POWER GO");
  await expect(seenByDirector).toContainText("POWER GO");

  await seenByDirector.getByRole("button", { name: "Close poll" }).click();
  await expect(seenByDirector).toHaveCount(0);
  await expect(seenByViewer).toHaveCount(0);
  const closed = await director.request.get("/api/v1/polls?state=closed");
  const poll = ((await closed.json()) as { items: { question: string; outcome: string; closed_by: { name: string } }[] }).items.find((p) => p.question === question)!;
  expect(poll.outcome).toBe("go");
  expect(poll.closed_by.name).toBe("Gene");
});
