/**
 * What the composer stamps on an entry, and when its shortcut fires: pure rules, so the
 * composer and its tests share them. The edit window is the server's (`locked_at`), never a
 * number of minutes kept here.
 */
import type { LogEntryCreate, LogEntryOut, Me } from "@chiron/api-client";
import { hhmm } from "@/lib/format";

/** A time the conductor may hand down: a Date, an ISO string or epoch milliseconds. */
export type TimeLike = Date | string | number;
/** The view's time range (the time conductor's); absent: the live view, stamped "now". */
export type ViewRange = { from: TimeLike; to: TimeLike };

const iso = (t: TimeLike) => new Date(t).toISOString();

/**
 * The entry's `at` / `range`: nothing for the live view (the server stamps its own now), `at`
 * for a single instant, and the range (and its end as `at`, where the timeline shows it) for a span.
 */
export function stampOf(range: ViewRange | null | undefined): Pick<LogEntryCreate, "at" | "range"> {
  if (!range) return {};
  const from = iso(range.from);
  const to = iso(range.to);
  return from === to ? { at: to } : { at: to, range: { from, to } };
}

/** The stamp in words, as the composer shows it. */
export function stampText(range: ViewRange | null | undefined): string {
  if (!range) return "stamped now";
  const from = new Date(range.from).getTime();
  const to = new Date(range.to).getTime();
  return from === to ? `stamped ${hhmm(to)} UTC` : `stamped ${hhmm(from)}–${hhmm(to)} UTC`;
}

/** The tags as the API keeps them: trimmed, lower-cased, unique, no empties. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

export function canWriteLog(me: Pick<Me, "scopes"> | null | undefined): boolean {
  return !!me && (me.scopes.includes("operate") || me.scopes.includes("admin"));
}

/** The author, before the server's lock time: the server still answers 403 / 409 otherwise. */
export function canEdit(me: Pick<Me, "subject"> | null | undefined, entry: Pick<LogEntryOut, "author" | "locked_at">, now: number): boolean {
  return !!me && me.subject === entry.author.subject && now < Date.parse(entry.locked_at);
}

type KeyLike = { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; target: EventTarget | null; defaultPrevented?: boolean };

/** Is the element somewhere a person types (so a bare letter is text, not a command)? */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== "function") return false;
  const el = target as HTMLElement;
  return !!el.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']") || el.isContentEditable === true;
}

/** `L` (either case), without a modifier, and not while typing in a field. */
export function isLogShortcut(e: KeyLike): boolean {
  return !e.defaultPrevented && (e.key === "l" || e.key === "L") && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target);
}
