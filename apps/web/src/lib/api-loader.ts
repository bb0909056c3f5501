/**
 * Loads src/lib/api.ts (the generated SDK, its fetch client, zod and the schemas) once, on first
 * use, so none of it is in the first-load JS: the first paint is rendered and validated on the
 * server, and the browser needs the SDK only for its own requests and stream frames.
 */
import type * as ApiModule from "./api";

export type Api = typeof ApiModule;
/** The SDK and the client its calls go through (`sdk.authMe({ client })`). */
export type Connection = { sdk: Api; client: ApiModule.Client };
/** Where query factories get their connection: the browser's, or a server request's. */
export type ApiSource = () => Promise<Connection>;

let loading: Promise<Api> | null = null;
let browser: Promise<Connection> | null = null;

export function loadApi(): Promise<Api> {
  // A failed chunk load is not remembered: the next call tries again.
  loading ??= import("./api").catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/** The tab's connection: the SDK with the browser client (relative paths, session cookie). */
export const browserApi: ApiSource = () => {
  browser ??= loadApi().then(
    (sdk) => ({ sdk, client: sdk.browserClient() }),
    (error: unknown) => {
      browser = null;
      throw error;
    },
  );
  return browser;
};
