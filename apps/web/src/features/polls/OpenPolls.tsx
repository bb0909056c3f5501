"use client";
/**
 * The open GO / NO-GO polls, shown to every session: each listed station's latest answer,
 * answer buttons for a listed station, and Close for a director. Nothing shows without a poll.
 */
import type { Me, PollOut } from "@chiron/api-client";
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { meQuery } from "@/lib/queries";
import { canAnswer, canDirect, parseStations, stationRows } from "./poll-rules";
import { openPollsQuery, usePollActions } from "./usePolls";
import styles from "./polls.module.css";

function PollCard({ poll, me }: { poll: PollOut; me: Me | undefined }) {
  const { answer, close } = usePollActions();
  const error = answer.error ?? close.error;
  return (
    <section className={styles.poll} aria-label={`Poll: ${poll.question}`}>
      <p className={styles.question}>
        <strong>POLL</strong> {poll.question}
      </p>
      <ul className={styles.stations}>
        {stationRows(poll).map((row) => (
          <li key={row.station} data-answer={row.word}>
            <span className="mono">{row.station}</span> {row.word}
          </li>
        ))}
      </ul>
      {canAnswer(me, poll) ? (
        <div className={styles.actions}>
          {(["go", "no-go", "abstain"] as const).map((value) => (
            <button key={value} type="button" disabled={answer.isPending} onClick={() => answer.mutate({ id: poll.id, body: { answer: value } })}>
              {value === "go" ? "GO" : value === "no-go" ? "NO-GO" : "Abstain"}
            </button>
          ))}
        </div>
      ) : null}
      {canDirect(me) ? (
        <button type="button" disabled={close.isPending} onClick={() => close.mutate(poll.id)}>
          Close poll
        </button>
      ) : null}
      {error ? <p role="alert">{error.message}</p> : null}
    </section>
  );
}

/** The director's form: a question and the stations to poll (comma separated). */
function PollOpener() {
  const { open } = usePollActions();
  const [question, setQuestion] = useState("");
  const [stations, setStations] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    open.mutate(
      { question, stations: parseStations(stations) },
      {
        onSuccess: () => {
          setQuestion("");
          setStations("");
        },
      },
    );
  };
  const ready = question.trim() !== "" && parseStations(stations).length > 0;
  return (
    <form className={styles.opener} aria-label="Open a poll" onSubmit={submit}>
      <input aria-label="Question" placeholder="Go for …?" value={question} maxLength={500} onChange={(e) => setQuestion(e.target.value)} />
      <input aria-label="Stations" placeholder="POWER, THERMAL" value={stations} onChange={(e) => setStations(e.target.value)} />
      <button type="submit" disabled={!ready || open.isPending}>
        Open poll
      </button>
      {open.isError ? <p role="alert">{open.error.message}</p> : null}
    </form>
  );
}

export function OpenPolls() {
  const polls = useQuery(openPollsQuery());
  const me = useQuery(meQuery());
  const items = polls.data?.items ?? [];
  const director = canDirect(me.data);
  if (items.length === 0 && !director) return null;
  return (
    <div className={styles.band}>
      {items.map((poll) => (
        <PollCard key={poll.id} poll={poll} me={me.data} />
      ))}
      {director ? <PollOpener /> : null}
    </div>
  );
}
