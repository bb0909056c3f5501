"use client";
/**
 * A gate card's alarm: a shape, a word and (while nobody has acknowledged) a motion that
 * stops on acknowledge, the latched peak, and the acknowledge / shelve controls for a session
 * that may operate. Colour is never the only signal.
 */
import type { Gate } from "@chiron/api-client";
import { useMotionEnabled } from "@chiron/ui";
import { useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { hhmm } from "@/lib/format";
import { meQuery } from "@/lib/queries";
import { SHELVE_CHOICES, alarmWord, byText, canOperate, needsAck, peakText } from "./alarm-text";
import { useAlarmAction } from "./useAlarmAction";
import styles from "./alarms.module.css";

export type GateAlarmPanelProps = { gate: Gate };

/** A bell with a slash when shelved, a filled bell when raised, an outlined one when acknowledged. */
export function AlarmShape({ state }: { state: Gate["alarm"]["state"] }) {
  return (
    <svg className={styles.shape} width="18" height="18" viewBox="0 0 16 16" aria-hidden>
      <path
        d="M8 1.8a4.2 4.2 0 0 0-4.2 4.2v2.7L2.4 11.2h11.2l-1.4-2.5V6A4.2 4.2 0 0 0 8 1.8Z"
        fill={state === "unacked" || state === "rtn_unacked" ? "currentColor" : "none"}
        stroke="currentColor"
        strokeWidth="1.4"
        strokeLinejoin="round"
      />
      <path d="M6.4 13.2a1.7 1.7 0 0 0 3.2 0" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
      {state === "shelved" ? <path d="M2 2l12 12" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" /> : null}
    </svg>
  );
}

function ShelveForm({ gate, onDone }: { gate: Gate; onDone: () => void }) {
  const action = useAlarmAction(gate.slug);
  const [duration, setDuration] = useState<number>(SHELVE_CHOICES[1].seconds);
  const [comment, setComment] = useState("");
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!comment.trim()) return;
    action.mutate({ verb: "shelve", duration_s: duration, comment: comment.trim() }, { onSuccess: onDone });
  };
  return (
    <form className={styles.shelveForm} onSubmit={submit} aria-label={`Shelve the ${gate.title} alarm`}>
      <label htmlFor={`${id}-for`}>for</label>
      <select id={`${id}-for`} value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
        {SHELVE_CHOICES.map((c) => (
          <option key={c.seconds} value={c.seconds}>
            {c.label}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-why`} className="chiron-sr-only">
        Why
      </label>
      <input
        id={`${id}-why`}
        required
        maxLength={2000}
        placeholder="why (required)"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <button type="submit" className={styles.button} disabled={action.isPending || !comment.trim()}>
        Shelve
      </button>
      <button type="button" className={styles.ghost} onClick={onDone}>
        Cancel
      </button>
      {action.isError ? <p className={styles.error} role="alert">Could not shelve: {action.error.message}</p> : null}
    </form>
  );
}

/**
 * Acknowledge / shelve / unshelve. `compact` (the gate card and the alarm list): a short visible
 * word ("Ack") whose accessible name stays the full verb.
 */
export function AlarmControls({ gate, compact = false }: GateAlarmPanelProps & { compact?: boolean }) {
  const action = useAlarmAction(gate.slug);
  const [shelving, setShelving] = useState(false);
  const allowed = gate.alarm.actions;
  if (shelving) return <ShelveForm gate={gate} onDone={() => setShelving(false)} />;
  return (
    <div className={styles.controls} data-compact={compact || undefined}>
      {allowed.includes("acknowledge") ? (
        <button
          type="button"
          className={styles.button}
          disabled={action.isPending}
          title={compact ? "Acknowledge" : undefined}
          onClick={() => action.mutate({ verb: "acknowledge" })}
        >
          {/* Seen: "Ack"; heard and named: the whole verb (no aria-label, so axe's label / content
              rule holds; split "Ack" + "nowledge" read as two words in Chromium). */}
          {compact ? (
            <>
              <span aria-hidden>Ack</span>
              <span className="chiron-sr-only">Acknowledge</span>
            </>
          ) : (
            "Acknowledge"
          )}
        </button>
      ) : null}
      {allowed.includes("shelve") && gate.alarm.state !== "normal" ? (
        <button type="button" className={styles.ghost} onClick={() => setShelving(true)}>
          Shelve…
        </button>
      ) : null}
      {allowed.includes("unshelve") ? (
        <button type="button" className={styles.ghost} disabled={action.isPending} onClick={() => action.mutate({ verb: "unshelve" })}>
          Unshelve
        </button>
      ) : null}
      {action.isError ? <p className={styles.error} role="alert">{action.error.message}</p> : null}
    </div>
  );
}

/**
 * The card's alarm, compact (the band must leave the timeline above the fold): the shape and
 * the word on one line with the actions beside them when they fit, the latched peak on one
 * line under it (in full in its title and in the alarm list).
 */
export function GateAlarmPanel({ gate }: GateAlarmPanelProps) {
  const me = useQuery(meQuery());
  const motion = useMotionEnabled();
  const alarm = gate.alarm;
  const word = alarmWord(alarm);
  if (word === null) return null;
  const peak = peakText(alarm);
  const by = byText(alarm);
  const until = alarm.state === "shelved" && alarm.shelved_until ? `until ${hhmm(Date.parse(alarm.shelved_until))}` : null;
  return (
    <section className={styles.panel} data-alarm={alarm.state} data-motion={motion && needsAck(alarm) ? "on" : "off"} aria-label={`${gate.title} alarm`}>
      <div className={styles.line}>
        <p className={styles.state} role={needsAck(alarm) ? "alert" : undefined}>
          <AlarmShape state={alarm.state} />
          <strong className={styles.word}>{word}</strong>
          {until ? <span className="mono">{until}</span> : null}
        </p>
        {canOperate(me.data) ? <AlarmControls gate={gate} compact /> : null}
      </div>
      {peak || by ? (
        <p className={`${styles.peak} mono`} title={peak ?? by ?? undefined}>
          {peak ?? by}
        </p>
      ) : null}
    </section>
  );
}
