"use client";
/**
 * Every gate's alarm that is not quiet, filterable by state, with the same controls as the
 * cards (for a session that may operate). Drawn from the cached summary, which the stream's
 * `alarm` events keep current: no request of its own.
 */
import type { AlarmOut, Gate } from "@chiron/api-client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { meQuery } from "@/lib/queries";
import { alarmWord, byText, canOperate, peakText } from "./alarm-text";
import { AlarmControls } from "./GateAlarmPanel";
import styles from "./alarms.module.css";

type Filter = "active" | AlarmOut["state"];
const FILTERS: { value: Filter; label: string }[] = [
  { value: "active", label: "All active" },
  { value: "unacked", label: "Unacknowledged" },
  { value: "rtn_unacked", label: "Returned" },
  { value: "acked", label: "Acknowledged" },
  { value: "shelved", label: "Shelved" },
];

export type AlarmListProps = { gates: Gate[] };

export function AlarmList({ gates }: AlarmListProps) {
  const me = useQuery(meQuery());
  const [filter, setFilter] = useState<Filter>("active");
  const active = gates.filter((g) => g.alarm.state !== "normal");
  const shown = filter === "active" ? active : active.filter((g) => g.alarm.state === filter);
  const operate = canOperate(me.data);
  return (
    <section className={`panel ${styles.list}`} aria-labelledby="alarm-list-title">
      <header className={styles.listHead}>
        <h2 id="alarm-list-title" className={styles.listTitle}>
          Alarms <span className="mono">{active.length}</span>
        </h2>
        <label htmlFor="alarm-filter" className="chiron-sr-only">
          Show
        </label>
        <select id="alarm-filter" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
          {FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label} ({f.value === "active" ? active.length : active.filter((g) => g.alarm.state === f.value).length})
            </option>
          ))}
        </select>
      </header>
      {shown.length === 0 ? (
        <p className={styles.empty}>{active.length === 0 ? "No alarms." : "None in this state."}</p>
      ) : (
        <ul className={styles.rows}>
          {shown.map((g) => (
            <li key={g.slug} className={styles.row} data-alarm={g.alarm.state} aria-label={`${g.title}: ${alarmWord(g.alarm) ?? ""}`}>
              <strong>{g.title}</strong>
              <span className={styles.word}>{alarmWord(g.alarm)}</span>
              <span className="mono">{peakText(g.alarm) ?? byText(g.alarm) ?? ""}</span>
              {operate ? <AlarmControls gate={g} /> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
