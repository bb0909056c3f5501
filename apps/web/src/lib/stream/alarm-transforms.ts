/** Alarm changes (stream `alarm` events, action answers) written into the cached summary. */
import type { GateAlarm, Summary } from "@chiron/api-client";

const NO_ALARMS = { normal: 0, unacked: 0, acked: 0, rtn_unacked: 0, shelved: 0 };

/** Replaces the gate's alarm and recounts the alarms by state; an unknown gate changes nothing. */
export function applyAlarm(summary: Summary, change: GateAlarm): Summary {
  if (!summary.gates.some((g) => g.slug === change.gate)) return summary;
  const gates = summary.gates.map((g) => (g.slug === change.gate ? { ...g, alarm: change.alarm } : g));
  const alarms = { ...NO_ALARMS };
  for (const g of gates) alarms[g.alarm.state] += 1;
  return { ...summary, gates, counts: { ...summary.counts, alarms } };
}
