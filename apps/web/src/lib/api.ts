/**
 * The generated SDK (@chiron/api-client) wired for the web app: one client per base URL whose
 * failures are HttpErrors carrying the API's error code. Every call validates its response with
 * the generated zod schema (the SDK's responseValidator). The browser loads this module on first
 * use (api-loader.ts); the server imports it directly (server-api.ts).
 */
import { createClient, type Client, type Config } from "@chiron/api-client/client";
import { HttpError } from "./http";
import { safeValidate } from "./validate";

// The operations the browser calls. A lazily loaded module keeps all its exports, so list only
// those; server-only calls (healthReady) are imported where they are used (server-api.ts).
export { authDevAssertion, authLogout, authMe, authRefresh, authToken, dashboardGetSeries, dashboardGetSummary, timelineList } from "@chiron/api-client/sdk";
export { alarmsAcknowledge, alarmsShelve, alarmsUnshelve } from "@chiron/api-client/sdk";
export { logCreate, logEdit, logList, pollsAnswer, pollsClose, pollsList, pollsOpen } from "@chiron/api-client/sdk";
export { gatesList } from "@chiron/api-client/sdk";
export { safeValidate } from "./validate";
export type { Client };

/** A non-2xx answer as an HttpError: the API's code and message when the body has them. */
export function httpError(response: Response, body: unknown): HttpError {
  const parsed = safeValidate("zErrorResponse", body);
  return parsed.success
    ? new HttpError(response.status, parsed.data.error.code, parsed.data.error.message, body)
    : new HttpError(response.status, `http_${response.status}`, response.statusText || `HTTP ${response.status}`, body);
}

/** A client for `baseUrl` ("" = relative to the page's origin); failures arrive as HttpErrors. */
export function createApiClient(config: Config & { baseUrl: string }): Client {
  const client = createClient({ cache: "no-store", ...config, baseUrl: config.baseUrl.replace(/\/+$/, "") });
  // No response: the request never got one (offline, aborted); keep fetch's own error.
  client.interceptors.error.use((error, response) => (response ? httpError(response, error) : error));
  return client;
}

/** The browser's client: relative /api and /auth paths through the web origin, with the session cookie. */
export function browserClient(): Client {
  return createApiClient({ baseUrl: "", credentials: "same-origin" });
}
