/**
 * The query factories call the generated SDK: the right operation, URL and query, through the
 * connection they are given (the browser's relative one, or a server request's with its base URL
 * and bearer token), with responses validated by the generated zod schemas and failures as
 * HttpErrors carrying the API's error code.
 */
import { QueryClient } from "@tanstack/react-query";
import { createApiClient } from "./api";
import * as sdk from "./api";
import type { ApiSource } from "./api-loader";
import { HttpError, isUnauthorized } from "./http";
import { meQuery, summaryQuery, timelineQuery } from "./queries";
import { summary } from "../../test/fixtures";

type Seen = { url: string; method: string; headers: Headers };

/** A connection whose fetch answers from `respond` and records each request. */
function fakeApi(respond: (req: Request) => Response, baseUrl = "http://api.test:8000", headers: Record<string, string> = {}) {
  const seen: Seen[] = [];
  const fetch = vi.fn((req: Request) => {
    seen.push({ url: req.url, method: req.method, headers: req.headers });
    return Promise.resolve(respond(req));
  });
  const client = createApiClient({ baseUrl, headers, fetch: fetch as unknown as typeof globalThis.fetch });
  const api: ApiSource = () => Promise.resolve({ sdk, client });
  return { api, seen };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
/** A query client like the server prefetch's: each factory's queryFn runs once, no retries. */
const qc = () => new QueryClient({ defaultOptions: { queries: { retry: false } } });

describe("query factories on the generated SDK", () => {
  it("GETs the summary from the connection's base URL with its bearer token, and returns the validated body", async () => {
    const body = summary();
    const { api, seen } = fakeApi(() => json(body), "http://api.test:8000/", { authorization: "Bearer tok" });
    await expect(qc().fetchQuery(summaryQuery(api))).resolves.toEqual(body);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe("http://api.test:8000/api/v1/dashboard/summary");
    expect(seen[0]!.method).toBe("GET");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer tok");
  });

  it("pages the timeline with the generated query parameters", async () => {
    const { api, seen } = fakeApi(() => json({ items: [], next_cursor: null }));
    await qc().fetchQuery(timelineQuery(null, api));
    await qc().fetchQuery(timelineQuery("1700000000000-3", api));
    expect(seen.map((s) => s.url)).toEqual([
      "http://api.test:8000/api/v1/dashboard/timeline?limit=50",
      "http://api.test:8000/api/v1/dashboard/timeline?limit=50&before=1700000000000-3",
    ]);
  });

  it("rejects a response that does not fit the generated schema", async () => {
    const { api } = fakeApi(() => json({ ...summary(), gates: [{ slug: "thermal" }] }));
    const error = (await qc().fetchQuery(summaryQuery(api)).catch((e: unknown) => e)) as { name: string; issues: { path: unknown[] }[] };
    expect(error.name).toBe("$ZodError"); // zod/mini's error
    expect(error.issues[0]!.path.slice(0, 2)).toEqual(["gates", 0]);
  });

  it("turns an API error into an HttpError with its code, so a 401 reads as signed out", async () => {
    const { api } = fakeApi(() => json({ error: { code: "token_expired", message: "The token has expired." } }, 401));
    const error = await qc().fetchQuery(meQuery(api)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 401, code: "token_expired", message: "The token has expired." });
    expect(isUnauthorized(error)).toBe(true);
  });

  it("keeps the status line when an error body is not the API's shape", async () => {
    const { api } = fakeApi(() => new Response("upstream down", { status: 502, statusText: "Bad Gateway" }));
    await expect(qc().fetchQuery(summaryQuery(api))).rejects.toMatchObject({ status: 502, code: "http_502", message: "Bad Gateway" });
  });
});
