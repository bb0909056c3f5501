/** Server-side calls to the Chiron API: the generated SDK on CHIRON_API_URL, the session cookie as a bearer token. */
import "server-only";
import type { Readiness } from "@chiron/api-client";
import { healthReady } from "@chiron/api-client/sdk";
import * as sdk from "./api";
import type { ApiSource, Connection } from "./api-loader";
import { env } from "./env";
import { HttpError } from "./http";

export const SESSION_COOKIE = "chiron_session";

/** A fetch that gives up after `ms` (or when the caller aborts, whichever is first). */
const fetchWithin =
  (ms: number): typeof fetch =>
  (input, init) =>
    fetch(input, { ...init, signal: AbortSignal.any([AbortSignal.timeout(ms), ...(input instanceof Request ? [input.signal] : [])]) });

function connection(headers: Record<string, string> = {}, timeoutMs = 5000): Connection {
  return { sdk, client: sdk.createApiClient({ baseUrl: env.CHIRON_API_URL, headers, fetch: fetchWithin(timeoutMs) }) };
}

/** The query factories' source for one server request, authenticated as `token`. */
export function serverApi(token: string): ApiSource {
  const conn = connection({ authorization: `Bearer ${token}` });
  return () => Promise.resolve(conn);
}

/** Readiness of the API and its bus, for the sign-in footer (never throws). */
export async function readiness(): Promise<{ api: boolean; stream: boolean }> {
  const { client } = connection({}, 1500);
  try {
    const { data } = await healthReady({ client, throwOnError: true });
    return { api: true, stream: data.checks.bus === "ok" };
  } catch (error) {
    // 503 names the failing part: the API answers, the bus may still be fine.
    if (!(error instanceof HttpError) || error.status !== 503) return { api: false, stream: false };
    const checks = (error.body as Partial<Readiness> | undefined)?.checks;
    return { api: true, stream: checks?.bus === "ok" };
  }
}

/** The instant a server render happened; seeds client clocks so hydration matches. */
export function renderedAt(): number {
  return Date.now();
}
