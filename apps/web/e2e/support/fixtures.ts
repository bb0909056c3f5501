/**
 * Test fixtures for specs on the real stack started by global-setup.ts:
 * `baseURL` is the running `next start`; `chiron` talks to the API with the
 * suite's CLI-made key (ingest, read, admin), stops/restarts the API process
 * and mints service tokens.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { test as base, expect, type Page } from "@playwright/test";
import { API_BIN, API_DIR } from "./stack";

export type SampleIn = { source: string; metric: string; value: number; unit?: string; ts?: string };
export type GateIn = {
  title: string;
  source: string;
  metric: string;
  warn: number;
  critical: number;
  direction: "above" | "below";
  hysteresis?: number;
  min_violations?: number;
  stale_after_s?: number;
  position?: number;
  description?: string;
};

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite with \`pnpm --filter web e2e\` (global-setup starts the stack)`);
  return v;
}

export class Chiron {
  readonly apiUrl = need("E2E_API_URL");
  readonly store = need("E2E_STORE");
  private readonly key = need("E2E_API_KEY");
  private readonly control = need("E2E_CONTROL_URL");

  /** A short unique suffix so specs never share sources, metrics or gates. */
  uid(prefix: string): string {
    return `${prefix}-${randomBytes(3).toString("hex")}`;
  }

  private async call(method: string, p: string, body?: unknown): Promise<unknown> {
    const res = await fetch(new URL(p, this.apiUrl), {
      method,
      headers: { authorization: `Bearer ${this.key}`, "content-type": "application/json", accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} -> ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** POST /api/v1/dashboard/samples (202) through the real ingest endpoint. */
  async ingest(samples: SampleIn[]): Promise<{ accepted?: number; transitions?: unknown[] } & Record<string, unknown>> {
    return (await this.call("POST", "/api/v1/dashboard/samples", { samples })) as Record<string, unknown>;
  }

  /** PUT /api/v1/gates/{slug} (admin scope). */
  async putGate(slug: string, gate: GateIn): Promise<unknown> {
    return this.call("PUT", `/api/v1/gates/${slug}`, { stale_after_s: 3600, ...gate });
  }

  /** POST /api/v1/polls (the suite's key is admin, which implies `direct`). */
  async openPoll(question: string, stations: string[], gates: string[] = []): Promise<{ id: number }> {
    return (await this.call("POST", "/api/v1/polls", { question, stations, gates })) as { id: number };
  }

  /** POST /api/v1/polls/{id}/close: the server decides the outcome and its reasons. */
  async closePoll(id: number): Promise<{ outcome: string }> {
    return (await this.call("POST", `/api/v1/polls/${id}/close`)) as { outcome: string };
  }

  /** GET a JSON answer of the API with the suite's key. */
  async get(p: string): Promise<unknown> {
    return this.call("GET", p);
  }

  /** POST a JSON body to the API with the suite's key. */
  async post(p: string, body: unknown): Promise<unknown> {
    return this.call("POST", p, body);
  }

  async summary(): Promise<Record<string, unknown>> {
    return (await this.call("GET", "/api/v1/dashboard/summary")) as Record<string, unknown>;
  }

  /** Stops the API process (the store and port are kept). */
  async stopApi(): Promise<void> {
    const res = await fetch(`${this.control}/api/stop`, { method: "POST" });
    if (!res.ok) throw new Error(`stop API: ${await res.text()}`);
  }

  /** Starts the API again on the same port and store; resolves once /healthz answers. */
  async startApi(): Promise<void> {
    const res = await fetch(`${this.control}/api/start`, { method: "POST" });
    if (!res.ok) throw new Error(`start API: ${await res.text()}`);
  }

  /** A real service token signed with the stack's secret; a negative TTL gives an expired one. */
  mintToken(subject: string, ttlS: number, name?: string): string {
    const r = spawnSync(path.join(API_BIN, "python"), [path.join(import.meta.dirname, "mint_token.py"), subject, String(ttlS), ...(name ? [name] : [])], {
      cwd: API_DIR,
      env: { PATH: process.env.PATH, CHIRON_SECRET_KEY: need("E2E_SECRET_KEY"), CHIRON_ENV: "development", CHIRON_LOG_FORMAT: "console" } as Record<string, string | undefined> as NodeJS.ProcessEnv,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`mint_token.py failed: ${r.stderr}`);
    return r.stdout.trim().split("\n").pop()!;
  }
}

/**
 * Timestamps for history samples: the summary's sparkline is 10-second buckets (mean) over the
 * last 10 minutes, so history goes in whole, distinct buckets: `at(i)` is bucket i of a run
 * that starts `minutesAgo` minutes back, on a bucket boundary.
 */
export function buckets(minutesAgo = 5): (i: number) => string {
  const start = Math.floor((Date.now() - minutesAgo * 60_000) / 10_000) * 10_000;
  return (i: number) => new Date(start + i * 10_000).toISOString();
}

/** Signs in through the login gate with the development issuer, like an operator. */
/**
 * Waits until React has hydrated the page (providers.tsx marks <html data-hydrated>): a click on
 * the server-rendered markup before that reaches no handler (a loaded machine shows it).
 */
export async function hydrated(page: Page) {
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1, { timeout: 30_000 });
}

export async function signIn(page: Page, { email = "e2e@ridgeline.ops", name = "E2E Operator", query = "" } = {}) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Work email").fill(email);
  await page.getByRole("button", { name: /Development issuer/ }).click();
  await page.getByLabel(/Display name/).fill(name);
  await page.getByRole("button", { name: "Sign in with development issuer" }).click();
  await page.waitForURL("/");
  if (query) await page.goto(`/${query}`);
  await hydrated(page);
}

/**
 * Signs in without the form: the same two calls the login screen makes (dev assertion, then
 * /auth/token, which sets the httpOnly session cookie), through the web app's own /auth proxy.
 * The login spec covers the form itself.
 */
export async function signInQuick(page: Page, { email = "e2e@ridgeline.ops", name = "E2E Operator", query = "" } = {}) {
  const assertion = await page.request.post("/auth/dev/assertion", { data: { email, name } });
  expect(assertion.ok(), await assertion.text()).toBe(true);
  const { assertion: jwt } = (await assertion.json()) as { assertion: string };
  const token = await page.request.post("/auth/token", { data: { assertion: jwt } });
  expect(token.ok(), await token.text()).toBe(true);
  await page.goto(`/${query}`);
  await expect(page).toHaveURL(/\/(\?.*)?$/);
  await hydrated(page);
}

/** The header's streaming badge (role=status with data-status). */
export const badge = (page: Page) => page.locator('[role="status"][data-status]');

/** A gate card in the hero band, by its title. */
export const gateCard = (page: Page, title: string) =>
  page.getByRole("region", { name: "Gates" }).getByRole("article", { name: title, exact: true });

// Playwright reads fixture dependencies from the first parameter's destructuring pattern: `{}` is how
// a fixture says it has none.
/* eslint-disable no-empty-pattern */
export const test = base.extend<{ chiron: Chiron }>({
  baseURL: async ({}, provide) => provide(need("E2E_BASE_URL")),
  chiron: async ({}, provide) => {
    const chiron = new Chiron();
    await provide(chiron);
    // A spec that stopped the API and then failed must not take the next specs down with it.
    await chiron.startApi();
  },
});
/* eslint-enable no-empty-pattern */

export { expect };
