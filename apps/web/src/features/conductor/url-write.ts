/** Writes the conductor into the URL (no zod: this is in the browser's first load). */
import { DEFAULT_WINDOW, type ConductorState } from "./conductor-state";

/** An instant as the API and the URL write it: ISO 8601 UTC, milliseconds only when there are some. */
export const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/**
 * Writes the conductor into `params` (other parameters are kept). A pause is not shared: a link
 * to a paused view opens it live, in the same window. The default live view has a bare URL.
 */
export function writeConductor(state: ConductorState, params: URLSearchParams = new URLSearchParams()): URLSearchParams {
  const out = new URLSearchParams(params);
  for (const k of ["window", "from", "to"]) out.delete(k);
  if (state.mode === "fixed") {
    out.set("from", iso(state.from));
    out.set("to", iso(state.to));
  } else if (state.window !== DEFAULT_WINDOW) {
    out.set("window", state.window);
  }
  return out;
}
