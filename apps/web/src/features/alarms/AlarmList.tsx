"use client";
/**
 * Every gate's alarm that is not quiet, filterable by state, as compact one-line cards with the
 * same controls as the gate cards (for a session that may operate). Collapsed to its heading
 * while nothing waits for an acknowledgement; a newly raised alarm opens it again. Drawn from
 * the cached summary, which the stream's `alarm` events keep current: no request of its own.
 */
import type { AlarmOut, Gate } from "@chiron/api-client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { meQuery } from "@/lib/queries";
import { alarmWord, byText, canOperate, needsAck, peakText } from "./alarm-text";
import { AlarmControls, AlarmShape } from "./GateAlarmPanel";
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

/**
 * Open or closed: open while some alarm needs an acknowledgement, unless the operator chose
 * otherwise for this very set of waiting alarms (a new one resets the choice).
 */
export function listExpanded(waiting: string, choice: { waiting: string; open: boolean } | null): boolean {
  return choice && choice.waiting === waiting ? choice.open : waiting !== "";
}

export function AlarmList({ gates }: AlarmListProps) {
  const me = useQuery(meQuery());
  const [filter, setFilter] = useState<Filter>("active");
  const [choice, setChoice] = useState<{ waiting: string; open: boolean } | null>(null);
  const active = gates.filter((g) => g.alarm.state !== "normal");
  if (active.length === 0) return null;
  const unacked = active.filter((g) => needsAck(g.alarm));
  const waiting = unacked.map((g) => g.slug).join(" ");
  const open = listExpanded(waiting, choice);
  const shown = filter === "active" ? active : active.filter((g) => g.alarm.state === filter);
  const operate = canOperate(me.data);
  return (
    <section className={`panel ${styles.list}`} aria-labelledby="alarm-list-title" data-open={open || undefined}>
      <header className={styles.listHead}>
        <h2 id="alarm-list-title" className={styles.listTitle}>
          Alarms <span className="mono">{active.length}</span>
        </h2>
        <span className={styles.listMeta}>{unacked.length > 0 ? `${unacked.length} to acknowledge` : "all acknowledged or shelved"}</span>
        <button type="button" className={styles.ghost} aria-expanded={open} aria-controls="alarm-list-rows" onClick={() => setChoice({ waiting, open: !open })}>
          {open ? "Hide" : "Show"}
        </button>
        {open ? (
          <>
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
          </>
        ) : null}
      </header>
      {!open ? null : shown.length === 0 ? (
        <p className={styles.empty}>None in this state.</p>
      ) : (
        <ul id="alarm-list-rows" className={styles.rows}>
          {shown.map((g) => {
            const detail = peakText(g.alarm) ?? byText(g.alarm) ?? "";
            return (
              <li key={g.slug} className={styles.row} data-alarm={g.alarm.state} aria-label={`${g.title}: ${alarmWord(g.alarm) ?? ""}`}>
                <AlarmShape state={g.alarm.state} />
                <strong className={styles.rowTitle}>{g.title}</strong>
                <span className={styles.word}>{alarmWord(g.alarm)}</span>
                <span className={`mono ${styles.rowDetail}`} title={detail}>
                  {detail}
                </span>
                {operate ? <AlarmControls gate={g} compact /> : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
