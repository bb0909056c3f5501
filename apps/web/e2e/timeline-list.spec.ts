/**
 * The timeline as a list on the real stack (issue 23): with more than 50 events in a range,
 * "Older" pages past the newest 50 with no gap and no repeat (the ids shown are the API's
 * pages, in order); the kind and text filters show exactly what the API's filtered answer
 * holds; and the two CSV downloads (the timeline's, the metric detail's) are real files with a
 * header row, ISO 8601 UTC times and the API's rows. Works with the filters in the open or
 * folded behind a "Filter" button.
 */
import { readFile } from "node:fs/promises";
import type { Download, Locator, Page } from "@playwright/test";
import { expect, signInQuick as signIn, test, type Chiron } from "./support/fixtures";

type Event = { id: number; ts: string; kind: string; severity: string; title: string; body: string; gate_slug: string | null; source: string | null };
type Page_ = { items: Event[]; next_cursor: string | null };

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const KINDS = ["deploy", "incident", "note"] as const;

/** RFC 4180: quoted fields, doubled quotes, commas and newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Every page of the API's answer for `query`, following the cursor. */
async function apiTimeline(chiron: Chiron, query: Record<string, string | string[]>): Promise<Event[]> {
  const all: Event[] = [];
  let before: string | null = null;
  for (;;) {
    const q = new URLSearchParams({ limit: "50" });
    for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) q.append(k, one);
    if (before) q.set("before", before);
    const page = (await chiron.get(`/api/v1/dashboard/timeline?${q}`)) as Page_;
    all.push(...page.items);
    if (!page.next_cursor) return all;
    before = page.next_cursor;
  }
}

const shownIds = (list: Locator) => list.locator("li[data-event]").evaluateAll((els) => els.map((e) => e.getAttribute("data-event")!));

/** The filter form, opened first when it is folded behind a "Filter" button. */
async function filters(page: Page): Promise<Locator> {
  const timeline = page.getByRole("region", { name: "Timeline" });
  const form = timeline.getByRole("form", { name: "Timeline filters" });
  const kindBox = form.getByRole("checkbox", { name: "incident", exact: true });
  if (!(await kindBox.isVisible())) await timeline.getByRole("button", { name: /filter/i }).first().click();
  await expect(kindBox).toBeVisible();
  return form;
}

async function downloaded(download: Download): Promise<string> {
  const file = await download.path();
  return readFile(file, "utf8");
}

async function seedEvents(chiron: Chiron, hex: string, n: number, t0: number) {
  const one = (i: number) => {
    const kind = KINDS[i % KINDS.length]!;
    // Every fourth body mentions "Alpha"; one has a comma, quotes and a newline for the CSV.
    const body = i % 4 === 0 ? `Alpha check ${i}` : i === 7 ? 'said "hold", then\ngo' : `routine ${i}`;
    const ts = new Date(t0 + i * 30_000).toISOString();
    return chiron.post("/api/v1/timeline", { kind, severity: kind === "incident" ? "warning" : "info", title: `List ${hex} #${String(i).padStart(3, "0")}`, body, ts }) as Promise<Event>;
  };
  // Eight requests in flight at a time rather than 120 round trips one after the other. Each
  // event has its own `ts`, so the order they land in changes nothing the test reads.
  const made: Event[] = [];
  for (let i = 0; i < n; i += 8) made.push(...(await Promise.all(Array.from({ length: Math.min(8, n - i) }, (_, j) => one(i + j)))));
  return made;
}

test("more than 50 events: Older pages with no gap and no repeat, filters match the API, CSV of the list", async ({ page, chiron }) => {
  test.setTimeout(120_000);
  const hex = chiron.uid("l").slice(2);
  const t0 = Math.floor((Date.now() - 3 * 3600_000) / 60_000) * 60_000;
  const made = await seedEvents(chiron, hex, 120, t0);
  const range = { from: new Date(t0 - 60_000).toISOString().slice(0, 19) + "Z", to: new Date(t0 + 61 * 60_000).toISOString().slice(0, 19) + "Z" };
  const expected = await apiTimeline(chiron, range);
  // The range holds this spec's events (other specs date theirs around now).
  expect(expected.map((e) => String(e.id)).sort()).toEqual(made.map((e) => String(e.id)).sort());

  await signIn(page, { query: `?from=${range.from}&to=${range.to}` });
  const timeline = page.getByRole("region", { name: "Timeline" });
  const list = page.getByTestId("timeline-events");
  const older = timeline.getByRole("button", { name: "Older", exact: true });

  // The newest 50, then 100, then all 120: each time the API's pages in order.
  await expect(list.locator("li[data-event]")).toHaveCount(50);
  expect(await shownIds(list)).toEqual(expected.slice(0, 50).map((e) => String(e.id)));
  await older.click();
  await expect(list.locator("li[data-event]")).toHaveCount(100);
  expect(await shownIds(list)).toEqual(expected.slice(0, 100).map((e) => String(e.id)));
  await older.click();
  await expect(list.locator("li[data-event]")).toHaveCount(120);
  const all = await shownIds(list);
  expect(all).toEqual(expected.map((e) => String(e.id)));
  expect(new Set(all).size).toBe(120);
  await expect(timeline).toContainText("no older events");

  // Filter by kind: only incidents, exactly the API's answer for kind=incident.
  let form = await filters(page);
  await form.getByRole("checkbox", { name: "incident", exact: true }).check();
  await form.locator('button[type="submit"]').click();
  const incidents = await apiTimeline(chiron, { ...range, kind: "incident" });
  expect(incidents).toHaveLength(40);
  await expect(list.locator("li[data-event]")).toHaveCount(40);
  expect(await shownIds(list)).toEqual(incidents.map((e) => String(e.id)));
  await expect(list.locator("li[data-event]").filter({ hasNotText: "incident" })).toHaveCount(0);

  // Filter by text instead (any case): only the bodies that say "alpha".
  form = await filters(page);
  await form.getByRole("checkbox", { name: "incident", exact: true }).uncheck();
  await form.getByRole("searchbox").fill("ALPHA");
  await form.locator('button[type="submit"]').click();
  const alpha = await apiTimeline(chiron, { ...range, q: "ALPHA" });
  expect(alpha).toHaveLength(30);
  await expect(list.locator("li[data-event]")).toHaveCount(30);
  expect(await shownIds(list)).toEqual(alpha.map((e) => String(e.id)));
  for (const text of await list.locator("li[data-event]").allInnerTexts()) expect(text).toMatch(/alpha/i);

  // Both: incidents that say alpha (every fourth event and every third: one in twelve).
  form = await filters(page);
  await form.getByRole("checkbox", { name: "incident", exact: true }).check();
  await form.locator('button[type="submit"]').click();
  const both = await apiTimeline(chiron, { ...range, kind: "incident", q: "ALPHA" });
  expect(both).toHaveLength(10);
  await expect(list.locator("li[data-event]")).toHaveCount(10);
  expect(await shownIds(list)).toEqual(both.map((e) => String(e.id)));

  // The CSV of the unfiltered list: every event of the range, newest first, as the API has them.
  await filters(page);
  await timeline.getByRole("button", { name: "Clear", exact: true }).click();
  // Unfiltered again: the range's pages as loaded before (the cache keeps them), in order.
  await expect(list.locator("li[data-event]")).not.toHaveCount(10);
  const again = await shownIds(list);
  expect(again.length).toBeGreaterThanOrEqual(50);
  expect(again).toEqual(expected.slice(0, again.length).map((e) => String(e.id)));
  await filters(page);
  const csvLink = timeline.getByRole("link", { name: "Download CSV" });
  const [download] = await Promise.all([page.waitForEvent("download"), csvLink.click()]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const rows = parseCsv(await downloaded(download));
  expect(rows[0]).toEqual(["id", "ts", "kind", "severity", "title", "body", "gate_slug", "source"]);
  const body = rows.slice(1);
  expect(body).toHaveLength(120);
  expect(body.map((r) => r[0])).toEqual(expected.map((e) => String(e.id)));
  for (const [i, r] of body.entries()) {
    const e = expected[i]!;
    expect(r[1]).toMatch(ISO_UTC);
    expect(Date.parse(r[1]!)).toBe(Date.parse(e.ts));
    expect(r.slice(2, 6)).toEqual([e.kind, e.severity, e.title, e.body]);
  }
  // The quoted body came back whole.
  expect(body.map((r) => r[5])).toContain('said "hold", then\ngo');
});

test("the metric detail's Download CSV is the range's buckets as the API has them", async ({ page, chiron }) => {
  test.setTimeout(60_000);
  const hex = chiron.uid("d").slice(2);
  const source = `csv-${hex}`;
  const metric = `csv.depth_${hex}`;
  const start = Math.floor((Date.now() - 8 * 60_000) / 60_000) * 60_000;
  await chiron.ingest(Array.from({ length: 12 }, (_, i) => ({ source, metric, unit: "m", value: 10 + i * 0.5, ts: new Date(start + i * 30_000).toISOString() })));
  await chiron.ingest([{ source, metric, unit: "m", value: 16 }]);
  await signIn(page);
  const signal = page.locator(`[data-series="${source}/${metric}"]`).last();
  await signal.getByRole("img").first().click();
  const detail = page.getByTestId("metric-detail");
  await expect(page.getByTestId("metric-detail-summary")).toContainText(/readings in \d+ buckets/);
  const link = detail.getByRole("link", { name: "Download CSV" });
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const rows = parseCsv(await downloaded(download));
  expect(rows[0]).toEqual(["ts", "min", "max", "mean", "count", "unit"]);

  // The same query as JSON from the API: the downloaded URL's, since the live range and the
  // chart's width (points) may move the link between reading it and clicking it.
  const q = new URLSearchParams(new URL(download.url()).search);
  q.delete("format");
  const api = (await chiron.get(`/api/v1/dashboard/series?${q}`)) as { unit: string; points: { ts: string; min: number; max: number; mean: number; count: number }[] };
  expect(api.points.reduce((n, p) => n + p.count, 0)).toBe(13);
  const body = rows.slice(1);
  expect(body).toHaveLength(api.points.length);
  for (const [i, r] of body.entries()) {
    const p = api.points[i]!;
    expect(r[0]).toMatch(ISO_UTC);
    expect(Date.parse(r[0]!)).toBe(Date.parse(p.ts));
    expect(r.slice(1, 5).map(Number)).toEqual([p.min, p.max, p.mean, p.count]);
    expect(r[5]).toBe("m");
  }
});
