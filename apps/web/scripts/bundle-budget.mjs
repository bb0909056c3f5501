#!/usr/bin/env node
/**
 * Bundle budget: reads `next analyze` route summaries and prints each route's client
 * JavaScript (compressed, as Next reports it) against the budget. Run by
 * `pnpm --filter web budget`, which analyzes into .next-analyze first, and by
 * `make test-web`.
 *
 * Exits 1 when a budgeted route is over or has no summary. The route summary sums
 * per-module compression and counts every chunk a route can load, lazy ones and
 * CSS included. It would also count polyfill-nomodule.js, which only browsers
 * without ES modules fetch; the pnpm patch on next (pnpm-workspace.yaml) empties
 * that file, and the "nomodule" column shows what it still adds. The wire size
 * (what Chromium downloads) is checked by e2e/perf.spec.ts. See
 * docs/performance.md, "Web bundle". `--report` prints without failing.
 *
 *   node scripts/bundle-budget.mjs [--dir .next-analyze] [--json] [--report]
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/**
 * Compressed client bytes allowed per route (1 kB = 1000 bytes, like Next's own output). `/` was
 * 250 kB until the browser moved onto the generated SDK (issue 18): its fetch client runtime is
 * +4.8 kB in this sum and tree-shaking cannot remove it (docs/performance.md, "Web bundle"). 266 kB
 * since wave 2's alarm controls, skew badges, live staleness, the open polls panel and the log
 * composer came in (+8.3 kB; next/dynamic for those panels cost more than it saved: the route
 * summary counts the loader and its chunks). 271 kB since the dashboard's log view (search,
 * cursor pages, edits and history: useInfiniteQuery), the poll result and the poll form with gates
 * came in (issue 22: 270.5 kB, +5 kB; React.lazy for the log view measured 271.4 kB, worse).
 * 290 kB with both of wave 2's dashboard halves: the log view, the poll result and the poll form
 * (issue 22, +5 kB alone; React.lazy for the log view measured worse), and the time conductor
 * (issue 23, +19.1 kB alone: the control, range views, brush, timeline filters and paging, and the
 * lazily loaded metric detail, which this sum counts too). Together 289.5 kB: they share
 * TanStack's infinite queries. 291 kB with issue 20's crowded-day layout (the timeline's Filter
 * disclosure, the key metrics' "+N more" counter, one-line card alarms: +0.5 kB) beside issue 23's
 * own sparkline path builder (@visx/curve left the route: -0.1 kB): 290.045 kB measured merged.
 */
export const BUDGETS = { "/": 291_000 };

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    dir: { type: "string", default: process.env.NEXT_DIST_DIR || ".next-analyze" },
    json: { type: "boolean", default: false },
    report: { type: "boolean", default: false },
  },
});
const file = path.resolve(here, "..", args.dir, "diagnostics/analyze/data/route-summaries.json");

let summaries;
try {
  summaries = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`bundle-budget: cannot read ${file} (${error.code ?? error.message}); run \`next analyze -o\` first.`);
  process.exit(2);
}

/**
 * Compressed bytes of `polyfill-nomodule.js` in a route's summary, read from the route's
 * `analyze.data` (a 4-byte big-endian length, then a JSON header listing sources and
 * their chunk parts; schema_version 1 in next 16.4). Null when the file or its layout
 * is not what this expects: the figure is informational.
 */
function nomoduleBytes(route) {
  const data = path.join(path.dirname(file), route === "/" ? "" : route.slice(1), "analyze.data");
  try {
    const bytes = readFileSync(data);
    const header = JSON.parse(bytes.subarray(4, 4 + bytes.readUInt32BE(0)).toString("utf8"));
    if (header.schema_version !== 1) return null;
    const nomodule = new Set(
      header.sources.flatMap((s, i) => (s.path.endsWith("polyfill-nomodule.js") ? [i] : [])),
    );
    return header.chunk_parts
      .filter((p) => nomodule.has(p.source_index) && header.output_files[p.output_file_index].filename.includes("/static/"))
      .reduce((sum, p) => sum + p.compressed_size, 0);
  } catch {
    return null;
  }
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
const rows = summaries
  .filter((r) => r.client && r.client.size > 0)
  .map((r) => ({
    route: r.route,
    raw: r.client.size,
    compressed: r.client.compressed_size,
    // Part of `compressed` that only browsers without ES modules fetch (0 with the patch).
    nomodule: nomoduleBytes(r.route),
    budget: BUDGETS[r.route] ?? null,
  }))
  .sort((a, b) => a.route.localeCompare(b.route));

if (args.json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  console.log("route            client JS (raw)   compressed   nomodule   budget");
  for (const r of rows) {
    const verdict = r.budget === null ? "" : `${kB(r.budget)} ${r.compressed <= r.budget ? "ok" : "OVER"}`;
    const nomodule = r.nomodule === null ? "n/a" : kB(r.nomodule);
    console.log(`${r.route.padEnd(16)} ${kB(r.raw).padStart(15)}   ${kB(r.compressed).padStart(10)}   ${nomodule.padStart(8)}   ${verdict}`);
  }
}

const missing = Object.keys(BUDGETS).filter((route) => !rows.some((r) => r.route === route));
const over = rows.filter((r) => r.budget !== null && r.compressed > r.budget);
if (missing.length) console.error(`bundle-budget: no summary for ${missing.join(", ")}`);
for (const r of rows.filter((x) => x.budget !== null)) {
  const verdict = r.compressed <= r.budget ? `under ${kB(r.budget)} by ${kB(r.budget - r.compressed)}` : `OVER ${kB(r.budget)} by ${kB(r.compressed - r.budget)}`;
  (r.compressed <= r.budget ? console.log : console.error)(`bundle-budget: ${r.route} is ${kB(r.compressed)} compressed in the route summary, ${verdict}`);
}
process.exit(missing.length || (!args.report && over.length) ? 1 : 0);
