/**
 * Smoke suite. Against E2E_BASE_URL when set (the real stack, started by the
 * caller); otherwise it starts the fake API and `next start` itself. Uses
 * Debian's Chromium: Playwright's browser download does not work here.
 */
import { defineConfig } from "@playwright/test";

const external = process.env.E2E_BASE_URL;
const port = Number(process.env.E2E_WEB_PORT ?? 3100);
const apiPort = Number(process.env.E2E_API_PORT ?? 8799);
const baseURL = external ?? `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  timeout: 30_000,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL,
    viewport: { width: 1600, height: 1000 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: external
    ? undefined
    : [
        {
          command: `node scripts/fake-api.mjs --port ${apiPort} --event-every 5`,
          url: `http://127.0.0.1:${apiPort}/healthz`,
          reuseExistingServer: false,
        },
        {
          command: `next start --hostname 127.0.0.1 --port ${port}`,
          url: `${baseURL}/login`,
          env: { CHIRON_API_URL: `http://127.0.0.1:${apiPort}`, NEXT_TELEMETRY_DISABLED: "1" },
          reuseExistingServer: false,
        },
      ],
});
