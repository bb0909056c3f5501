/** Browser-side JSON fetch against the web origin's relative /api and /auth paths. */
import { loadValidation, type Parsed, type SchemaName } from "./validation-loader";

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

/** Fetches a path and validates the JSON body with the named generated schema (e.g. "zSummary"). */
export type Fetcher = <K extends SchemaName>(path: string, schema: K, init?: RequestInit) => Promise<Parsed<K>>;

/** Turns a non-2xx response into an HttpError carrying the API's error code. */
export async function toHttpError(res: Response): Promise<HttpError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body: unknown = await res.json();
    const parsed = (await loadValidation()).safeValidate("zErrorResponse", body);
    if (parsed.success) {
      code = parsed.data.error.code;
      message = parsed.data.error.message;
    }
  } catch {
    // not JSON: keep the status line
  }
  return new HttpError(res.status, code, message);
}

/** Fetches a relative path and validates the JSON body with a generated schema. */
export const browserFetch: Fetcher = async (path, schema, init) => {
  const validation = loadValidation(); // in parallel with the request
  const res = await fetch(path, {
    credentials: "same-origin",
    cache: "no-store",
    ...init,
    headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}), ...init?.headers },
  });
  if (!res.ok) throw await toHttpError(res);
  const body: unknown = await res.json();
  return (await validation).validate(schema, body);
};

export function isUnauthorized(error: unknown): boolean {
  return error instanceof HttpError && error.status === 401;
}
