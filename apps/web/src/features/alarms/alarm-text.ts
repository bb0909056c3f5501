/** What an alarm says in words: its state, the latched peak, and who may act on it. */
import type { AlarmOut, Me } from "@chiron/api-client";
import { hhmm } from "@/lib/format";
import { metricFormatter } from "../metrics/metric-format";

const STATUS_WORD = { go: "GO", hold: "HOLD", "no-go": "NO-GO" } as const;

/** The state as a word (never colour alone); null for a quiet (normal) alarm. */
export function alarmWord(alarm: AlarmOut): string | null {
  switch (alarm.state) {
    case "unacked":
      return alarm.trigger === "stale" ? "ALARM · SILENT" : "ALARM";
    case "rtn_unacked":
      return "ALARM · RETURNED";
    case "acked":
      return "ACKNOWLEDGED";
    case "shelved":
      return "SHELVED";
    default:
      return null;
  }
}

/** Needs someone: raised, or returned, and nobody has acknowledged. */
export function needsAck(alarm: AlarmOut): boolean {
  return alarm.state === "unacked" || alarm.state === "rtn_unacked";
}

/** "peaked NO-GO 82.4 °C at 03:12", until acknowledged; null when there is nothing latched. */
export function peakText(alarm: AlarmOut): string | null {
  const peak = alarm.peak;
  if (!peak || !needsAck(alarm)) return null;
  const when = hhmm(Date.parse(peak.at));
  const value = peak.value == null ? "" : ` ${metricFormatter(peak.unit ?? null, peak.value)(peak.value)}${peak.unit ? ` ${peak.unit}` : ""}`;
  return `peaked ${STATUS_WORD[peak.status]}${value} at ${when}`;
}

/** "by Ada (THERMAL) 03:14" for an acknowledged or shelved alarm. */
export function byText(alarm: AlarmOut): string | null {
  const who = alarm.state === "shelved" ? alarm.shelved_by : alarm.state === "acked" ? alarm.acked_by : null;
  if (!who) return null;
  const name = who.name ?? who.subject;
  return `by ${name}${who.station ? ` (${who.station})` : ""}`;
}

/** May this session acknowledge and shelve? (`admin` implies every scope.) */
export function canOperate(me: Pick<Me, "scopes"> | null | undefined): boolean {
  return !!me && (me.scopes.includes("operate") || me.scopes.includes("admin"));
}

export const SHELVE_CHOICES = [
  { seconds: 15 * 60, label: "15 min" },
  { seconds: 60 * 60, label: "1 h" },
  { seconds: 4 * 60 * 60, label: "4 h" },
  { seconds: 8 * 60 * 60, label: "8 h" },
] as const;
