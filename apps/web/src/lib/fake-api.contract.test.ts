// @vitest-environment node
/**
 * The development fake API (scripts/fake-api.mjs) answers in the shapes of the
 * real one: every response and stream frame passes the generated schemas, so
 * screenshots and e2e runs against it exercise the same validation.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { zMe, zSeries, zSummary, zTelemetryPayload, zTimelinePage } from "@chiron/api-client";
import { safeParse, type core } from "zod/mini";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../scripts/fake-api.mjs");
const port = 18_000 + Math.floor(Math.random() * 2000);
const base = `http://127.0.0.1:${port}`;
const auth = { authorization: "Bearer fixture-token" };
let child: ChildProcess;

beforeAll(async () => {
  child = spawn(process.execPath, [script, "--port", String(port), "--rate", "5"], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (b: Buffer) => b.toString().includes("fake chiron api") && resolve());
    child.on("exit", (code) => reject(new Error(`fake API exited ${code}`)));
  });
});

afterAll(() => {
  child?.kill();
});

async function getJson(p: string): Promise<unknown> {
  const res = await fetch(base + p, { headers: auth });
  expect(res.status).toBe(200);
  return res.json();
}

function expectValid(schema: core.$ZodType, value: unknown) {
  const r = safeParse(schema, value);
  expect(r.success ? [] : r.error.issues).toEqual([]);
}

describe("fake API against the generated schemas", () => {
  it("answers the dashboard reads in the API's shapes", async () => {
    expectValid(zMe, await getJson("/auth/me"));
    expectValid(zSummary, await getJson("/api/v1/dashboard/summary"));
    const page = await getJson("/api/v1/dashboard/timeline?limit=5");
    expectValid(zTimelinePage, page);
    expectValid(zSeries, await getJson("/api/v1/dashboard/series?source=rover-07&metric=core.temp"));
  });

  it("streams payloads the stream manager accepts", async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${base}/api/v1/dashboard/stream?last_event_id=0-0`, { headers: auth, signal: ctrl.signal });
    const reader = res.body!.getReader();
    const frames: string[] = [];
    let buf = "";
    const deadline = Date.now() + 5000;
    while (frames.length < 3 && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += new TextDecoder().decode(value);
      const parts = buf.split("\n\n");
      buf = parts.pop() ?? "";
      for (const p of parts) {
        const data = p.split("\n").find((l) => l.startsWith("data: "));
        if (data) frames.push(data.slice(6));
      }
    }
    ctrl.abort();
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) expectValid(zTelemetryPayload, JSON.parse(f));
  });
});
