/**
 * End-to-end suite on the REAL stack: global-setup.ts starts the Chiron API
 * (fresh store, own port; E2E_STORE=sqlite|postgres) and the built web app
 * (`next start`), and tears both down after. Uses Debian's Chromium:
 * Playwright's browser download does not work here. Run: `pnpm --filter web e2e`
 * (after `pnpm turbo run build --filter web`), or `make e2e` for both stores.
 */
import path from "node:path";
import { defineConfig } from "@playwright/test";

const store = (process.env.E2E_STORE ?? "sqlite").toLowerCase();
/** Traces, screenshots and the stack's logs of a run: kept on failure, named by scripts/e2e.sh. */
export const resultsDir = path.join(import.meta.dirname, "test-results", `e2e-${store}`);

export default defineConfig({
  testDir: "e2e",
  // The suite: `*.spec.ts`. E2E_BENCH=1 (make bench-dashboard): the timed `*.bench.ts` files,
  // which never run in `make test`.
  testMatch: process.env.E2E_BENCH === "1" ? "**/*.bench.ts" : "**/*.spec.ts",
  globalSetup: "./e2e/global-setup.ts",
  outputDir: path.join(resultsDir, "artifacts"),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  workers: 1, // one stack; the streaming spec stops and restarts its API
  fullyParallel: false,
  reporter: [["list"]],
  use: {
    viewport: { width: 1600, height: 1000 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
});
