/**
 * Benchmark (not part of `make test`): looking back over a day of 10 M stored samples (issue
 * 23, "Cost"), in Chromium on the real stack. bench/history_fill.py writes 20 series x 500 k
 * samples over the last 24 h and their rollups straight into the stack's store (the ingest
 * endpoint would take minutes); four of the series are gated so gauges render. The page opens
 * with `?window=24h`; then, in the measured window, it switches to 1h and back to 24h (20
 * series read and drawn again from the client), opens a metric's detail (its large chart of
 * the day), walks the read-out across it and closes it. The bar: no main-thread task over
 * 50 ms in that window, and every /series answer came from the rollups (`bucket_seconds` is a
 * rollup's multiple, and its counts add up to the stored samples, so no sample was lost or
 * scanned raw). `make bench-dashboard` runs it three times; docs/performance.md has the figures.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import type { Page, Response } from "@playwright/test";
import { badge, expect, signInQuick as signIn, test } from "./support/fixtures";
import { API_BIN, REPO } from "./support/stack";
import { METRICS, seriesFor as fleet } from "./support/bench-series";

// No Playwright trace: its recorder snapshots the DOM in the page at every action, which the
// long-task observer would count against the page (measured: ~10 s of `captureSnapshot` over
// the window). PERF_TRACE records a Chromium performance trace instead.
test.use({ trace: "off" });

const LONG_TASK_MS = 50;
const PER_SERIES = Number(process.env.HISTORY_PER_SERIES ?? 500_000);
const ROLLUP_RESOLUTIONS = [10, 60, 600, 3600]; // chiron.telemetry.rollups.RESOLUTIONS

function seriesFor(hex: string) {
  return fleet("hist", hex);
}

type Fill = { samples: number; rollups: number; write_s: number; analyze_s: number; total_s: number; from: string; to: string };

function fill(series: ReturnType<typeof seriesFor>): Promise<Fill> {
  const url = process.env.E2E_DATABASE_URL;
  if (!url) throw new Error("E2E_DATABASE_URL is not set (global-setup.ts exports the stack's store)");
  return new Promise((resolve, reject) => {
    execFile(
      path.join(API_BIN, "python"),
      [path.join(REPO, "bench/history_fill.py"), "--url", url, "--series", JSON.stringify(series), "--per-series", String(PER_SERIES), "--hours", "24"],
      { cwd: REPO, encoding: "utf8", timeout: 15 * 60_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`history_fill.py failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve(JSON.parse(stdout.trim().split("\n").pop()!) as Fill);
      },
    );
  });
}

type Task = { start: number; duration: number };
type SeriesSeen = { source: string; metric: string; from: string; to: string; points: number; bucketSeconds: number; buckets: number; count: number; serverMs: number; at: number; direct?: boolean };

/** Every /series answer the browser gets: its resolution, sample count and server time. */
function watchSeries(page: Page, seen: SeriesSeen[]) {
  page.on("response", (res: Response) => {
    const url = new URL(res.url());
    if (!url.pathname.endsWith("/api/v1/dashboard/series") || url.searchParams.get("format") === "csv") return;
    void (async () => {
      const body = (await res.json()) as { source: string; metric: string; bucket_seconds: number; points: { count: number }[] };
      const t = res.request().timing();
      seen.push({
        source: body.source,
        metric: body.metric,
        from: url.searchParams.get("from") ?? "",
        to: url.searchParams.get("to") ?? "",
        points: Number(url.searchParams.get("points") ?? 500),
        bucketSeconds: body.bucket_seconds,
        buckets: body.points.length,
        count: body.points.reduce((n, p) => n + p.count, 0),
        serverMs: t.responseStart - t.requestStart,
        at: Date.now(),
      });
    })().catch(() => {});
  });
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? `median ${s[Math.floor(s.length / 2)]!.toFixed(0)} ms, max ${s[s.length - 1]!.toFixed(0)} ms` : "none";
};

test("24 h over 10 M stored samples: no long task over 50 ms, series from rollups", async ({ page, chiron }, testInfo) => {
  test.setTimeout(20 * 60_000);
  const hex = chiron.uid("h").slice(2);
  const series = seriesFor(hex);
  expect(series).toHaveLength(20);
  const gated = series.filter((_, i) => i % METRICS.length === 0);
  for (const [i, s] of gated.entries()) {
    await chiron.putGate(`hist-${hex}-${i}`, { title: `Hist ${i + 1} ${hex}`, source: s.source, metric: s.metric, warn: 70, critical: 85, direction: "above", position: 200 + i });
  }
  const filled = await fill(series);
  expect(filled.samples).toBe(series.length * PER_SERIES);
  // A current reading per series through the real ingest endpoint: latest values, gates and
  // the stream see the series as they see any.
  await chiron.ingest(series.map((s) => ({ source: s.source, metric: s.metric, unit: s.unit, value: s.base })));

  const seen: SeriesSeen[] = [];
  watchSeries(page, seen);
  await page.addInitScript(() => {
    const w = window as unknown as { __longtasks: Task[] };
    w.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  });

  // 1. The page opens on the day: time to the first chart of a loaded series.
  await signIn(page, { query: "?window=24h" });
  const first = series[1]!; // not gated: a signal cell
  const signal = page.locator(`[data-series="${first.source}/${first.metric}"]`).last();
  await expect(signal.getByRole("img").first()).toBeVisible({ timeout: 30_000 });
  const firstChartMs = await page.evaluate(() => performance.now());
  await expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 15_000 });
  await expect(page.getByRole("region", { name: "Signals" })).toContainText("last 24h");
  await page.waitForTimeout(2000); // lazy chunks, the first animations

  // 2. The measured window: back to 1h and to the day again (20 series re-read and drawn),
  // then the metric detail over the day, its read-out walked across, closed. The steps act
  // through the mouse and keyboard at places found before the window, and wait with cheap
  // in-page checks: Playwright's role queries and failed-expect snapshots run on the page's
  // main thread and made long tasks of their own (traced: `queryRole`,
  // `ariaSnapshotForExpectFailure`, 50-230 ms each under load).
  const centre = async (selector: string) => {
    const b = (await page.locator(selector).first().boundingBox())!;
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  };
  const windowButton = (w: string) => centre(`[role="group"][aria-label="Live window"] button:text-is("${w}")`);
  const [oneHour, oneDay] = [await windowButton("1h"), await windowButton("24h")];
  const cell = `[data-series="${first.source}/${first.metric}"]`;
  await page.locator(cell).last().scrollIntoViewIfNeeded();
  const cellImg = await centre(`${cell} >> nth=-1 >> [role="img"]`);
  const signalsSay = (text: string) =>
    page.waitForFunction((t) => document.querySelector('section[aria-labelledby="signals-heading"]')?.textContent?.includes(t) ?? false, text, { polling: 100, timeout: 30_000 });
  const windowStart = await page.evaluate(() => performance.now());
  const seenBefore = seen.length;
  const trace = process.env.PERF_TRACE;
  if (trace) await page.context().browser()!.startTracing(page, { path: trace, categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink.user_timing", "toplevel", "disabled-by-default-v8.cpu_profiler"] });
  await page.mouse.click(oneHour.x, oneHour.y);
  await signalsSay("last 1h");
  await page.waitForTimeout(1000);
  await page.mouse.click(oneDay.x, oneDay.y);
  await signalsSay("last 24h");
  await page.waitForTimeout(1500);
  const seenBeforeDetail = seen.length;
  await page.mouse.click(cellImg.x, cellImg.y);
  await page.waitForFunction(() => /readings in \d+ buckets/.test(document.querySelector('[data-testid="metric-detail-summary"]')?.textContent ?? ""), null, { polling: 100, timeout: 30_000 });
  const chartBox = await page.evaluate(() => {
    const r = document.querySelector('[data-testid="metric-detail"] svg[role="img"]')!.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
  for (let i = 0; i <= 20; i++) await page.mouse.move(chartBox.x + (chartBox.width * i) / 20, chartBox.y + chartBox.height / 2);
  await page.evaluate(() => (document.querySelector('[data-testid="metric-detail"] svg[role="img"]') as SVGElement).focus());
  await page.keyboard.press("End");
  await page.waitForFunction(() => /mean/.test(document.querySelector('[data-testid="range-readout"]')?.textContent ?? ""), null, { polling: 100 });
  await page.waitForTimeout(1000);
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector<HTMLDialogElement>('[data-testid="metric-detail"]')?.open, null, { polling: 100 });
  await page.waitForTimeout(1000);
  if (trace) await page.context().browser()!.stopTracing();

  const { all, windowMs } = await page.evaluate((start) => ({ all: (window as unknown as { __longtasks: Task[] }).__longtasks, windowMs: performance.now() - start }), windowStart);
  const tasks = all.filter((t) => t.start >= windowStart);
  const before = all.filter((t) => t.start < windowStart);
  const over = tasks.filter((t) => t.duration > LONG_TASK_MS);
  const max = tasks.reduce((m, t) => Math.max(m, t.duration), 0);

  // The dashboard's own 24 h reads (120 buckets a series) straight from the API as well: the
  // page may have them from the server's prefetch or its cache, not from a browser request.
  const to = new Date();
  const from = new Date(to.getTime() - 24 * 3600_000);
  for (const s of series) {
    const q = new URLSearchParams({ source: s.source, metric: s.metric, from: from.toISOString(), to: to.toISOString(), points: "120" });
    const t0 = performance.now();
    const body = (await chiron.get(`/api/v1/dashboard/series?${q}`)) as { bucket_seconds: number; points: { count: number }[] };
    seen.push({ source: s.source, metric: s.metric, from: from.toISOString(), to: to.toISOString(), points: 120, bucketSeconds: body.bucket_seconds, buckets: body.points.length, count: body.points.reduce((n, p) => n + p.count, 0), serverMs: performance.now() - t0, at: Date.now(), direct: true });
  }

  // The series answers: the day's come from rollups and hold every stored sample.
  const ours = seen.filter((s) => series.some((x) => x.source === s.source && x.metric === s.metric));
  const day = ours.filter((s) => Date.parse(s.to) - Date.parse(s.from) >= 23 * 3600_000);
  expect(day.length, "no 24 h /series request reached the browser").toBeGreaterThan(0);
  const detailReads = seen.slice(seenBeforeDetail).filter((s) => !s.direct && day.includes(s) && s.metric === first.metric && s.source === first.source);
  const resolutions = [...new Set(day.map((s) => `${s.points} points -> ${s.bucketSeconds} s`))].join(", ");
  const figure =
    `fill ${filled.samples.toLocaleString("en")} samples + ${filled.rollups.toLocaleString("en")} rollup rows in ${filled.total_s.toFixed(0)} s (${store()}); ` +
    `first chart ${firstChartMs.toFixed(0)} ms after navigation, ${before.length} long tasks before the window (longest ${before.reduce((m, t) => Math.max(m, t.duration), 0).toFixed(0)} ms); ` +
    `window ${(windowMs / 1000).toFixed(1)} s: longest task ${max.toFixed(0)} ms, ${over.length} over ${LONG_TASK_MS} ms [${tasks.map((t) => t.duration.toFixed(0)).join(", ")}]; ` +
    `/series over 24 h in the browser: ${day.filter((s) => !s.direct).length} (${seen.filter((s) => !s.direct).length - seenBefore} in the window, ${detailReads.length} for the detail), time to first byte ${stats(day.filter((s) => !s.direct).map((s) => s.serverMs))}; ` +
    `straight from the API (the dashboard's 120-bucket read of each series): ${stats(day.filter((s) => s.direct).map((s) => s.serverMs))}; resolutions ${resolutions}`;
  console.log(`[perf] ${figure}`);
  testInfo.annotations.push({ type: "history", description: figure });

  for (const s of day) {
    // A rollup's buckets nest in the answer's (rollups.plan): raw samples would give a width
    // under the finest resolution.
    expect(ROLLUP_RESOLUTIONS.some((r) => s.bucketSeconds >= r && s.bucketSeconds % r === 0), `${s.metric}: ${s.bucketSeconds} s`).toBe(true);
    // Every loaded sample of the day is counted (the window's ends may cut the first and
    // last buckets), plus the current reading.
    expect(s.count, `${s.metric} ${s.from}..${s.to}`).toBeGreaterThan(PER_SERIES * 0.98);
  }
  expect(detailReads.length, "the metric detail read the day").toBeGreaterThan(0);
  await expect(page.getByTestId("metric-detail")).toBeHidden();
  expect(over, figure).toEqual([]);
});

function store(): string {
  return process.env.E2E_STORE ?? "sqlite";
}

