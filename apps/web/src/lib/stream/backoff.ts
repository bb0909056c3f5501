/** Reconnect pacing: exponential backoff with "equal jitter", and the offline budget. */

export type BackoffOptions = {
  /** First retry delay in ms. */
  baseMs?: number;
  /** Ceiling for a single delay in ms. */
  maxMs?: number;
  /** Source of randomness in [0, 1). */
  random?: () => number;
};

/**
 * The longest wait between two attempts: an operator whose API comes back sees the dashboard
 * recover within seconds, not after a quarter of a minute (issue 20).
 */
export const RETRY_CEILING_MS = 5000;

/** Delay before retry number `attempt` (0-based): half fixed, half random, so tabs do not stampede. */
export function backoffDelay(attempt: number, { baseMs = 1000, maxMs = RETRY_CEILING_MS, random = Math.random }: BackoffOptions = {}): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** After this long failing without a successful open, the stream is OFFLINE rather than RECONNECTING. */
export const OFFLINE_AFTER_MS = 20_000;
