"use client";
/**
 * The GO / NO-GO polls, shown to every session: each open poll with each listed station's
 * latest answer and each listed gate's live status side by side, answer buttons for a listed
 * station, Close for a director; the latest closed poll's outcome and every reason, as the
 * server recorded them (the web never re-derives an outcome); and the director's form to open one.
 */
import type { Gate, Me, PollOut } from "@chiron/api-client";
import { SeverityIcon } from "@chiron/ui";
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { hhmm } from "@/lib/format";
import { meQuery, summaryQuery } from "@/lib/queries";
import { useNow } from "@/lib/use-now";
import { canAnswer, canDirect, closesAtFromInput, gateWord, latestClosed, parseStations, stationRows } from "./poll-rules";
import { closedPollsQuery, openPollsQuery, usePollActions } from "./usePolls";
import styles from "./polls.module.css";

const NO_GATES: Gate[] = [];

/** The summary's gates, from the cache the stream keeps live (no request of its own). */
function useCachedGates(): Gate[] {
  // Not enabled: it reads what the dashboard's own summary query holds, and never fetches.
  const summary = useQuery({ ...summaryQuery(), enabled: false });
  return summary.data?.gates ?? NO_GATES;
}

function PollCard({ poll, me, gates }: { poll: PollOut; me: Me | undefined; gates: Gate[] }) {
  const { answer, close } = usePollActions();
  const error = answer.error ?? close.error;
  return (
    <section className={styles.poll} aria-label={`Poll: ${poll.question}`}>
      <p className={styles.question}>
        <strong>POLL</strong> {poll.question}
        {poll.closes_at ? <span className={`mono ${styles.meta}`}>closes {hhmm(Date.parse(poll.closes_at))} UTC</span> : null}
      </p>
      <ul className={styles.stations} aria-label="Stations">
        {stationRows(poll).map((row) => (
          <li key={row.station} data-answer={row.word}>
            <span className="mono">{row.station}</span> {row.word}
          </li>
        ))}
      </ul>
      {poll.gates.length ? (
        <ul className={styles.stations} aria-label="Gates">
          {poll.gates.map((slug) => {
            const gate = gates.find((g) => g.slug === slug);
            return (
              <li key={slug} data-gate={slug}>
                <span className="mono">{gate?.title ?? slug}</span> {gateWord(gate)}
              </li>
            );
          })}
        </ul>
      ) : null}
      <div className={styles.actions}>
        {canAnswer(me, poll)
          ? (["go", "no-go", "abstain"] as const).map((value) => (
              <button key={value} type="button" disabled={answer.isPending} onClick={() => answer.mutate({ id: poll.id, body: { answer: value } })}>
                {value === "go" ? "GO" : value === "no-go" ? "NO-GO" : "Abstain"}
              </button>
            ))
          : null}
        {canDirect(me) ? (
          <button type="button" disabled={close.isPending} onClick={() => close.mutate(poll.id)}>
            Close poll
          </button>
        ) : null}
      </div>
      {error ? <p role="alert">{error.message}</p> : null}
    </section>
  );
}

/** A closed poll: the server's outcome and each of its reasons, word + shape + colour. */
function PollResult({ poll, onDismiss }: { poll: PollOut; onDismiss: () => void }) {
  const go = poll.outcome === "go";
  const by = poll.closed_by ? `closed by ${poll.closed_by.name ?? poll.closed_by.subject}` : "closed at its time";
  return (
    <section className={styles.poll} data-outcome={poll.outcome} aria-label={`Poll result: ${poll.question}`}>
      <p className={styles.question}>
        <SeverityIcon severity={go ? "go" : "no-go"} size={18} />
        <strong className={styles.outcome}>{go ? "GO" : "NO-GO"}</strong> {poll.question}
        <span className={`mono ${styles.meta}`}>
          {by} {poll.closed_at ? hhmm(Date.parse(poll.closed_at)) : ""}
        </span>
        <button type="button" className={styles.dismiss} onClick={onDismiss} aria-label={`Dismiss the result of ${poll.question}`}>
          ×
        </button>
      </p>
      <ul className={styles.stations} aria-label="Answers">
        {stationRows(poll).map((row) => (
          <li key={row.station} data-answer={row.word}>
            <span className="mono">{row.station}</span> {row.word}
          </li>
        ))}
      </ul>
      {poll.reasons.length ? (
        <ul className={styles.reasons} aria-label="Reasons">
          {poll.reasons.map((r, i) => (
            <li key={`${r.code}-${r.station ?? r.gate ?? i}`} data-code={r.code}>
              {r.message}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** The director's form: a question, the stations, the gates that must be go, an optional close. */
function PollOpener({ gates }: { gates: Gate[] }) {
  const { open } = usePollActions();
  const [shown, setShown] = useState(false);
  const [question, setQuestion] = useState("");
  const [stations, setStations] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  const [closesAt, setClosesAt] = useState("");
  if (!shown) {
    return (
      <button type="button" className={styles.openButton} onClick={() => setShown(true)}>
        Open a poll…
      </button>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const closes = closesAtFromInput(closesAt);
    open.mutate(
      { question: question.trim(), stations: parseStations(stations), gates: picked, ...(closes ? { closes_at: closes } : {}) },
      {
        onSuccess: () => {
          setQuestion("");
          setStations("");
          setPicked([]);
          setClosesAt("");
          setShown(false);
        },
      },
    );
  };
  const ready = question.trim() !== "" && parseStations(stations).length > 0;
  return (
    <form className={styles.opener} aria-label="Open a poll" onSubmit={submit}>
      <input aria-label="Question" placeholder="Go for …?" value={question} maxLength={500} onChange={(e) => setQuestion(e.target.value)} autoFocus />
      <input aria-label="Stations" placeholder="POWER, THERMAL" value={stations} onChange={(e) => setStations(e.target.value)} />
      {gates.length ? (
        <fieldset className={styles.gatePick}>
          <legend>Gates that must be GO</legend>
          {gates.map((g) => (
            <label key={g.slug}>
              <input
                type="checkbox"
                checked={picked.includes(g.slug)}
                onChange={(e) => setPicked(e.target.checked ? [...picked, g.slug] : picked.filter((s) => s !== g.slug))}
              />{" "}
              {g.title}
            </label>
          ))}
        </fieldset>
      ) : null}
      <label className={styles.closes}>
        Closes at (UTC, optional) <input type="datetime-local" aria-label="Closes at (UTC)" value={closesAt} onChange={(e) => setClosesAt(e.target.value)} />
      </label>
      <button type="submit" disabled={!ready || open.isPending}>
        Open poll
      </button>
      <button type="button" onClick={() => setShown(false)}>
        Cancel
      </button>
      {open.isError ? <p role="alert">{open.error.message}</p> : null}
    </form>
  );
}

export function OpenPolls() {
  const polls = useQuery(openPollsQuery());
  const closed = useQuery(closedPollsQuery());
  const me = useQuery(meQuery());
  const gates = useCachedGates();
  const [dismissed, setDismissed] = useState<ReadonlySet<number>>(() => new Set());
  const [since] = useState(Date.now);
  const now = useNow(since, 30_000);
  const items = polls.data?.items ?? [];
  const result = latestClosed(closed.data?.items ?? [], dismissed, now);
  const director = canDirect(me.data);
  if (items.length === 0 && !result && !director) return null;
  return (
    <div className={styles.band}>
      {items.map((poll) => (
        <PollCard key={poll.id} poll={poll} me={me.data} gates={gates} />
      ))}
      {result ? <PollResult poll={result} onDismiss={() => setDismissed(new Set([...dismissed, result.id]))} /> : null}
      {director ? <PollOpener gates={gates} /> : null}
    </div>
  );
}
