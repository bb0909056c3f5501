/** The web app's HTTP error: the status and the API's error code (`{"error": {code, message}}`). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The parsed JSON body, when there was one (e.g. /readyz's checks on a 503). */
    readonly body: unknown = undefined,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof HttpError && error.status === 401;
}
