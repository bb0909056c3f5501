#!/usr/bin/env node
/**
 * Bundle report: reads `next analyze` route summaries and prints each route's
 * client JavaScript (compressed, as Next reports it) against the budget. Run by
 * `pnpm --filter web budget`, which analyzes into .next-analyze first.
 *
 * Informational by default (exit 0, says "over" or "ok"): Next's route summary
 * sums per-module compression and counts polyfill-nomodule.js, which modern
 * browsers never fetch, so it overstates what a browser downloads. The enforced
 * budget is the wire size, checked in Chromium by e2e/perf.spec.ts (see
 * docs/performance.md, "Web bundle"). `--strict` makes an over-budget route
 * exit 1 (a missing summary or analyze output is always an error).
 *
 *   node scripts/bundle-budget.mjs [--dir .next-analyze] [--json] [--strict]
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/** Compressed client bytes allowed per route (1 kB = 1000 bytes, like Next's own output). */
export const BUDGETS = { "/": 250_000 };

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    dir: { type: "string", default: process.env.NEXT_DIST_DIR || ".next-analyze" },
    json: { type: "boolean", default: false },
    strict: { type: "boolean", default: false },
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
  .map((r) => {
    const nomodule = nomoduleBytes(r.route);
    return {
      route: r.route,
      raw: r.client.size,
      compressed: r.client.compressed_size,
      // What a browser with ES modules can load: it never fetches the nomodule polyfill.
      modules: nomodule === null ? null : r.client.compressed_size - nomodule,
      budget: BUDGETS[r.route] ?? null,
    };
  })
  .sort((a, b) => a.route.localeCompare(b.route));

if (args.json) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  console.log("route            client JS (raw)   compressed   without nomodule   budget");
  for (const r of rows) {
    const verdict = r.budget === null ? "" : `${kB(r.budget)} ${r.compressed <= r.budget ? "ok" : "OVER"}`;
    const modules = r.modules === null ? "n/a" : kB(r.modules);
    console.log(`${r.route.padEnd(16)} ${kB(r.raw).padStart(15)}   ${kB(r.compressed).padStart(10)}   ${modules.padStart(16)}   ${verdict}`);
  }
}

const missing = Object.keys(BUDGETS).filter((route) => !rows.some((r) => r.route === route));
const over = rows.filter((r) => r.budget !== null && r.compressed > r.budget);
if (missing.length) console.error(`bundle-budget: no summary for ${missing.join(", ")}`);
const say = args.strict ? console.error : console.log;
for (const r of over) say(`bundle-budget: ${r.route} is ${kB(r.compressed)} compressed in the route summary, over ${kB(r.budget)}${args.strict ? "" : " (informational; the enforced budget is the wire size in e2e/perf.spec.ts)"}`);
for (const r of rows.filter((x) => x.budget !== null && x.compressed <= x.budget)) say(`bundle-budget: ${r.route} is ${kB(r.compressed)} compressed in the route summary, under ${kB(r.budget)}`);
for (const r of rows.filter((x) => x.budget !== null && x.modules !== null)) say(`bundle-budget: ${r.route} without polyfill-nomodule.js (never fetched by a browser with ES modules): ${kB(r.modules)}, ${r.modules <= r.budget ? "under" : "over"} ${kB(r.budget)}`);
process.exit(missing.length || (args.strict && over.length) ? 1 : 0);
