/** Browser-side JSON fetch against the web origin's relative /api and /auth paths. */
import { zErrorResponse } from "@chiron/api-client";
import { parse, safeParse, type core } from "zod/mini";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Any generated schema (zod/mini or zod): validated with the tree-shakable core parse. */
export type Schema = core.$ZodType;

export type Fetcher = <S extends Schema>(path: string, schema: S, init?: RequestInit) => Promise<core.output<S>>;

/** Turns a non-2xx response into an HttpError carrying the API's error code. */
export async function toHttpError(res: Response): Promise<HttpError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const parsed = safeParse(zErrorResponse, await res.json());
    if (parsed.success) {
      code = parsed.data.error.code;
      message = parsed.data.error.message;
    }
  } catch {
    // not JSON: keep the status line
  }
  return new HttpError(res.status, code, message);
}

/** Fetches a relative path and validates the JSON body with a zod schema. */
export const browserFetch: Fetcher = async (path, schema, init) => {
  const res = await fetch(path, {
    credentials: "same-origin",
    cache: "no-store",
    ...init,
    headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}), ...init?.headers },
  });
  if (!res.ok) throw await toHttpError(res);
  return parse(schema, await res.json());
};

export function isUnauthorized(error: unknown): boolean {
  return error instanceof HttpError && error.status === 401;
}
