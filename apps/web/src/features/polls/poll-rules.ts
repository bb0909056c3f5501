/** Who may do what with a poll, and how its state reads: words, never colour alone. */
import type { Gate, Me, PollOut } from "@chiron/api-client";

type Who = Pick<Me, "scopes" | "station"> | null | undefined;

const has = (me: Who, scope: string) => !!me && (me.scopes.includes(scope) || me.scopes.includes("admin"));

/** An operator whose station the poll lists, while it is open. */
export function canAnswer(me: Who, poll: PollOut): boolean {
  return poll.state === "open" && has(me, "operate") && !!me?.station && poll.stations.includes(me.station);
}

/** Open and close polls: scope `direct`. */
export function canDirect(me: Who): boolean {
  return has(me, "direct");
}

export const ANSWER_WORDS = { go: "GO", "no-go": "NO-GO", abstain: "ABSTAIN" } as const;

/** Each listed station's latest answer in words ("waiting" until it answers). */
export function stationRows(poll: PollOut): { station: string; word: string }[] {
  return poll.stations.map((station) => {
    const answer = poll.answers[station];
    return { station, word: answer ? ANSWER_WORDS[answer.answer] : "waiting" };
  });
}

/** "power, Thermal,,POWER" -> ["POWER", "THERMAL"] (the API upper-cases too). */
export function parseStations(text: string): string[] {
  return [...new Set(text.split(",").map((t) => t.trim().toUpperCase()).filter(Boolean))];
}

/**
 * A listed gate's live status as the server has it (status, stale, alarm), in words; the poll's
 * outcome is still the server's at close, never derived from this.
 */
export function gateWord(gate: Pick<Gate, "status" | "stale" | "no_data" | "alarm"> | undefined): string {
  if (!gate) return "unknown gate";
  const status = gate.no_data ? "NO DATA" : gate.stale ? "STALE" : { go: "GO", hold: "HOLD", "no-go": "NO-GO" }[gate.status];
  const alarm = gate.alarm.state === "unacked" || gate.alarm.state === "rtn_unacked" ? " · ALARM" : "";
  return status + alarm;
}

/** A `datetime-local` value read as UTC (the dashboard's clock is UTC), or null when empty. */
export function closesAtFromInput(value: string): string | null {
  if (!value) return null;
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * The closed poll to show: the newest one closed within `withinMs` of now that this session has
 * not dismissed (the list is newest first, as the API answers it).
 */
export function latestClosed(closed: readonly PollOut[], dismissed: ReadonlySet<number>, now: number, withinMs = 60 * 60_000): PollOut | null {
  for (const p of closed) {
    if (p.state !== "closed" || !p.closed_at || dismissed.has(p.id)) continue;
    if (now - Date.parse(p.closed_at) <= withinMs) return p;
  }
  return null;
}
