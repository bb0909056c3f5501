/** Who may do what with a poll, and how its state reads: words, never colour alone. */
import type { Me, PollOut } from "@chiron/api-client";

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
