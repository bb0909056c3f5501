/** Time and age formatting for the operator's screen (UTC everywhere). */

export const pad2 = (n: number) => String(Math.floor(n)).padStart(2, "0");

/** 14:32:07 */
export function hhmmss(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** 14:32 */
export function hhmm(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/** Short age for badges: 45s, 2m, 3h, 2d. */
export function ageShort(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Longer age: 2m 02s, 1h 05m. */
export function ageLong(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad2(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad2((s % 3600) / 60)}m`;
}

/** mm:ss countdown (token lifetime). */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${pad2((s % 3600) / 60)}m`;
  return `${pad2(s / 60)}:${pad2(s % 60)}`;
}

/** "ago" suffix form: 2s ago, 3m ago. */
export function ago(ms: number): string {
  return `${ageShort(ms)} ago`;
}
