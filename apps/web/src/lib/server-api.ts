/** Server-side calls to the Chiron API with the session cookie as a bearer token. */
import "server-only";
import { env } from "./env";
import { toHttpError, type Fetcher } from "./http";
import { validate, type SchemaName } from "./validate";

export const SESSION_COOKIE = "chiron_session";

/** A Fetcher that calls CHIRON_API_URL directly with `Authorization: Bearer <token>`. */
export function serverFetcher(token: string): Fetcher {
  return async <K extends SchemaName>(path: string, schema: K, init?: RequestInit) => {
    const res = await fetch(new URL(path, env.CHIRON_API_URL), {
      cache: "no-store",
      ...init,
      headers: { accept: "application/json", authorization: `Bearer ${token}`, ...init?.headers },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw await toHttpError(res);
    return validate(schema, await res.json());
  };
}

/** Readiness of the API and its bus, for the sign-in footer (never throws). */
export async function readiness(): Promise<{ api: boolean; stream: boolean }> {
  try {
    const res = await fetch(new URL("/readyz", env.CHIRON_API_URL), { cache: "no-store", signal: AbortSignal.timeout(1500) });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    const text = JSON.stringify(body).toLowerCase();
    return { api: res.ok || res.status === 503, stream: res.ok || !/bus|stream|redis/.test(text) };
  } catch {
    return { api: false, stream: false };
  }
}

/** The instant a server render happened; seeds client clocks so hydration matches. */
export function renderedAt(): number {
  return Date.now();
}
