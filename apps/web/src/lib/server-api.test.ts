// @vitest-environment node
/** The server's connection: the same query factories, on CHIRON_API_URL with the session as a bearer token. */
import { QueryClient } from "@tanstack/react-query";
import { env } from "./env";
import { summaryQuery } from "./queries";
import { readiness, serverApi } from "./server-api";
import { summary } from "../../test/fixtures";

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

function stubFetch(respond: () => Response | Promise<Response>) {
  const calls: { url: string; auth: string | null; signal: AbortSignal | undefined }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn((input: Request, init?: RequestInit) => {
      calls.push({ url: input.url, auth: input.headers.get("authorization"), signal: init?.signal ?? undefined });
      return Promise.resolve(respond());
    }),
  );
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe("serverApi", () => {
  it("prefetches through the generated SDK on CHIRON_API_URL, bearer = the session cookie, with a timeout", async () => {
    const calls = stubFetch(() => json(summary()));
    const data = await new QueryClient().fetchQuery(summaryQuery(serverApi("session-token")));
    expect(data.gates[0]!.slug).toBe("thermal");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe(new URL("/api/v1/dashboard/summary", env.CHIRON_API_URL).toString());
    expect(calls[0]!.auth).toBe("Bearer session-token");
    expect(calls[0]!.signal).toBeInstanceOf(AbortSignal);
  });
});

describe("readiness", () => {
  const ready = (bus: string, store = "ok") => ({ status: bus === "ok" && store === "ok" ? "ok" : "unavailable", checks: { store, bus } });

  it("reads the API's checks, on 200 and on 503", async () => {
    stubFetch(() => json(ready("ok")));
    expect(await readiness()).toEqual({ api: true, stream: true });
    stubFetch(() => json(ready("down: ConnectionError"), 503));
    expect(await readiness()).toEqual({ api: true, stream: false });
    stubFetch(() => json(ready("ok", "down: OperationalError"), 503));
    expect(await readiness()).toEqual({ api: true, stream: true });
  });

  it("says the API is down when it does not answer", async () => {
    stubFetch(() => Promise.reject(new TypeError("fetch failed")));
    expect(await readiness()).toEqual({ api: false, stream: false });
  });
});
