"use client";
/**
 * The one time control for gates, key metrics, signals and timeline (Open MCT's time conductor):
 * live windows, a fixed from–to (typed here or brushed on the timeline), pause / resume and
 * jump to now. Times are UTC, like every time on the screen.
 */
import { useState, type FormEvent } from "react";
import { hhmmss } from "@/lib/format";
import { WINDOWS, type ConductorState, type ConductorAction, type TimeRange } from "./conductor-state";
import styles from "./conductor.module.css";

export type ConductorControlProps = {
  state: ConductorState;
  range: TimeRange;
  dispatch: (a: ConductorAction) => void;
  /** Stream updates taken while paused, drawn on resume. */
  buffered: number;
  /** The clock, for pause. */
  now: number;
  notice: string | null;
  dismissNotice: () => void;
};

/** `datetime-local` reads and writes wall time without a zone: here it is UTC. */
const toInput = (ms: number) => new Date(ms).toISOString().slice(0, 19);
const fromInput = (v: string) => (v ? Date.parse(`${v.length === 16 ? `${v}:00` : v}Z`) : Number.NaN);
const day = (ms: number) => new Date(ms).toISOString().slice(5, 10);

export function ConductorControl({ state, range, dispatch, buffered, now, notice, dismissNotice }: ConductorControlProps) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const paused = state.mode === "live" && state.pausedAt !== null;
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const field = (name: string) => {
      const v = data.get(name);
      return typeof v === "string" ? v : "";
    };
    const from = fromInput(field("from"));
    const to = fromInput(field("to"));
    if (!Number.isFinite(from) || !Number.isFinite(to)) return setError("Both times are needed.");
    if (to - from < 10_000) return setError("“From” must be at least 10 s before “to”.");
    setError(null);
    setEditing(false);
    dispatch({ type: "range", from, to });
  };
  const sameDay = day(range.from) === day(range.to);
  return (
    <div className={styles.conductor} role="group" aria-label="Time conductor" data-mode={state.mode} data-paused={paused || undefined}>
      <div className={styles.windows} role="group" aria-label="Live window">
        {WINDOWS.map((w) => (
          <button
            key={w}
            type="button"
            className={styles.seg}
            aria-pressed={state.mode === "live" && state.window === w}
            onClick={() => dispatch({ type: "window", window: w })}
          >
            {w}
          </button>
        ))}
      </div>
      <p className={`${styles.range} mono`} data-testid="conductor-range" aria-live="polite">
        <span className={styles.modeWord}>{state.mode === "fixed" ? "FIXED" : paused ? "PAUSED" : "LIVE"}</span>{" "}
        {sameDay ? "" : `${day(range.from)} `}
        {hhmmss(range.from)} – {sameDay ? "" : `${day(range.to)} `}
        {hhmmss(range.to)}
        {paused && buffered > 0 ? <span className={styles.buffered}> · {buffered.toLocaleString("en-US")} updates waiting</span> : null}
      </p>
      {state.mode === "live" ? (
        <button
          type="button"
          className={styles.btn}
          onClick={() => dispatch(paused ? { type: "resume" } : { type: "pause", now })}
          aria-pressed={paused}
        >
          {paused ? "Resume" : "Pause"}
        </button>
      ) : null}
      <button type="button" className={styles.btn} onClick={() => setEditing((v) => !v)} aria-expanded={editing} aria-controls="conductor-range-form">
        Range…
      </button>
      <button type="button" className={styles.btn} onClick={() => dispatch({ type: "now" })} disabled={range.following}>
        Now
      </button>
      {editing ? (
        <form id="conductor-range-form" className={styles.form} onSubmit={apply} aria-label="Fixed range (UTC)">
          <label>
            From <input name="from" type="datetime-local" step={1} defaultValue={toInput(range.from)} required />
          </label>
          <label>
            To <input name="to" type="datetime-local" step={1} defaultValue={toInput(range.to)} required />
          </label>
          <span className={styles.utc}>UTC</span>
          <button type="submit" className={styles.btn}>
            Show range
          </button>
          {error ? (
            <span role="alert" className={styles.error}>
              {error}
            </span>
          ) : null}
        </form>
      ) : null}
      {notice ? (
        <p className={styles.notice} role="status" data-testid="conductor-notice">
          {notice}{" "}
          <button type="button" className={styles.link} onClick={dismissNotice}>
            Dismiss
          </button>
        </p>
      ) : null}
    </div>
  );
}
