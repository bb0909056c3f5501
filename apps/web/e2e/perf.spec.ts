/**
 * Spec 7: the dashboard's wire budget (issue 7), measured in Chromium on the real stack.
 *
 * Every JavaScript file a signed-in load of `/` fetches (including the chunks it loads lazily in
 * the first seconds), each gzipped whole in Node (zlib level 9), sums to at most 250 kB. This is
 * what a browser downloads; `pnpm --filter web budget` reports Next's route-summary metric beside
 * it (see docs/performance.md, "Web bundle"). A size, not a time: it holds on a loaded machine.
 *
 * The main thread under load (long tasks) is a benchmark, not a test: e2e/long-tasks.bench.ts,
 * run by `make bench-dashboard` only (issue 19: timing has no place in `make test`).
 */
import { gzipSync, brotliCompressSync, constants as zlibConstants } from "node:zlib";
import { badge, expect, signInQuick as signIn, test } from "./support/fixtures";

const WIRE_BUDGET = 250_000; // bytes (1 kB = 1000 bytes, like Next's own output)
const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;

test("the JavaScript a signed-in load of / downloads is at most 250 kB gzip", async ({ page }, testInfo) => {
  const scripts = new Map<string, Promise<Buffer | null>>();
  page.on("response", (res) => {
    const url = res.url();
    const type = res.request().resourceType();
    const ct = res.headers()["content-type"] ?? "";
    const isJs = type === "script" || /javascript/.test(ct) || /\.m?js(\?|$)/.test(new URL(url).pathname);
    if (!isJs || scripts.has(url)) return;
    scripts.set(
      url,
      res.body().catch(() => null),
    );
  });

  // Sign in first (no scripts collected from the login screen: the listener only sees the
  // pages this context loads, and signInQuick signs in with two requests, then loads `/`).
  await signIn(page);
  // The one chunk the page loads lazily at start, the SDK with zod and the schemas
  // (src/lib/api-loader.ts), is in by LIVE: the stream loads it (its frame check) before it connects.
  await expect(badge(page)).toHaveAttribute("data-status", "live", { timeout: 15_000 });
  await page.waitForLoadState("networkidle").catch(() => {});
  // Every script the page has asked for (its resource timing) is among the responses counted.
  const uncounted = () =>
    page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).filter((u) => /\.m?js(\?|$)/.test(new URL(u).pathname))).then((urls) => urls.filter((u) => !scripts.has(u)));
  await expect.poll(uncounted, { message: "scripts the page loaded that the listener did not see" }).toEqual([]);

  const rows: { file: string; raw: number; gzip: number; brotli: number }[] = [];
  for (const [url, body] of scripts) {
    const buf = await body;
    expect(buf, `body of ${url}`).not.toBeNull();
    rows.push({
      file: new URL(url).pathname.replace(/^\/_next\/static\//, ""),
      raw: buf!.length,
      gzip: gzipSync(buf!, { level: 9 }).length,
      brotli: brotliCompressSync(buf!, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    });
  }
  rows.sort((a, b) => b.gzip - a.gzip);
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });

  const lines = rows.map((r) => `  ${kB(r.gzip).padStart(9)} gzip ${kB(r.raw).padStart(9)} raw  ${r.file}`);
  const figure = `wire JS for /: ${rows.length} files, ${kB(total.gzip)} gzip -9 (${kB(total.brotli)} brotli -11, ${kB(total.raw)} raw); budget ${kB(WIRE_BUDGET)} gzip`;
  console.log(`[perf] ${figure}\n${lines.join("\n")}`);
  testInfo.annotations.push({ type: "wire-js", description: figure });
  await testInfo.attach("wire-js.json", { body: JSON.stringify({ total, rows }, null, 2), contentType: "application/json" });

  expect(rows.length, "the page loaded no JavaScript at all?").toBeGreaterThan(3);
  expect(total.gzip, figure).toBeLessThanOrEqual(WIRE_BUDGET);
});
