/**
 * Starts the real stack once for the run and hands its coordinates to the
 * workers through the environment. The API's lifecycle stays in this (runner)
 * process; specs stop and restart it through a small loopback control server
 * (POST /api/stop, POST /api/start), so the same port and store are reused and
 * nothing outlives the run. Returns the teardown.
 */
import { createServer } from "node:http";
import path from "node:path";
import type { FullConfig } from "@playwright/test";
import { Stack, storeFromEnv } from "./support/stack";

export default async function globalSetup(_config: FullConfig) {
  const store = storeFromEnv();
  const root = path.resolve(import.meta.dirname, "../test-results", `e2e-${store}`);
  const stack = new Stack(store, path.join(root, "logs"));
  const t0 = Date.now();
  let info;
  try {
    info = await stack.start();
  } catch (error) {
    await stack.stop();
    throw error;
  }
  console.log(`[e2e] ${store} stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s: api ${info.apiUrl}, web ${info.webUrl}, logs ${info.logDir}`);

  const control = createServer((req, res) => {
    const done = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const action = req.method === "POST" ? req.url : null;
    const work = action === "/api/stop" ? stack.stopApi() : action === "/api/start" ? stack.startApi() : null;
    if (!work) return done(404, { error: "POST /api/stop or /api/start" });
    work.then(
      () => done(200, { ok: true }),
      (error: unknown) => done(500, { error: String(error) }),
    );
  });
  await new Promise<void>((r) => control.listen(0, "127.0.0.1", r));
  const addr = control.address();
  const controlUrl = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;

  Object.assign(process.env, {
    E2E_STORE: store,
    E2E_BASE_URL: info.webUrl,
    E2E_API_URL: info.apiUrl,
    E2E_API_KEY: info.apiKey,
    E2E_SECRET_KEY: info.secretKey,
    E2E_CONTROL_URL: controlUrl,
    E2E_DATABASE_URL: info.databaseUrl,
  });

  return async () => {
    control.close();
    await stack.stop();
  };
}
