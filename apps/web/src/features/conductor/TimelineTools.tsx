"use client";
/**
 * The timeline as a list you can question: filters (kind, severity, gate, source, text), every
 * loaded event, "Older" paging by cursor past the newest 50, and the same query as CSV. The
 * filters fold behind one "Filter" button (a disclosure that counts the filters in force), so
 * the band keeps the timeline above the fold; they start open when the view starts filtered.
 */
import { memo, useState, type FormEvent } from "react";
import { hhmmss } from "@/lib/format";
import { EventGlyph } from "../timeline/event-style";
import { csvHref } from "./conductor-queries";
import { NO_FILTERS, type TimelineFilters, type TimelineView } from "./useTimelineView";
import styles from "./timeline-tools.module.css";

/** The kinds the API records (docs/looking-back.md); others can still be typed in the text box. */
export const KINDS = ["gate_transition", "stale", "fresh", "alarm", "deploy", "incident", "note", "log", "poll", "clock_skew", "clock_in_step"] as const;
const SEVERITIES = ["info", "warning", "critical"] as const;

export type TimelineToolsProps = { view: TimelineView; gates: readonly string[]; sources: readonly string[] };

const day = (iso: string) => iso.slice(5, 10);


export const TimelineTools = memo(function TimelineTools({ view, gates, sources }: TimelineToolsProps) {
  const [draft, setDraft] = useState<TimelineFilters>(view.filters);
  // How many filters are in force: each kind and severity ticked, and each of gate, source, text.
  const f = view.filters;
  const count = f.kind.length + f.severity.length + (f.gate ? 1 : 0) + (f.source ? 1 : 0) + (f.q.trim() ? 1 : 0);
  const [open, setOpen] = useState(count > 0);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    view.setFilters(draft);
  };
  const toggle = <K extends "kind" | "severity">(key: K, v: TimelineFilters[K][number]) =>
    setDraft((d) => {
      const list = d[key] as string[];
      return { ...d, [key]: list.includes(v) ? list.filter((x) => x !== v) : [...list, v] };
    });
  return (
    <div className={styles.tools}>
      <div className={styles.foot}>
        <button type="button" className={styles.toggle} aria-expanded={open} onClick={() => setOpen(!open)}>
          Filter{count ? ` · ${count} on` : ""}
        </button>
        <a className={styles.csv} href={csvHref("/api/v1/dashboard/timeline", view.query)} download>
          Download CSV
        </a>
      </div>
      {open ? (
        <form className={styles.filters} onSubmit={submit} aria-label="Timeline filters">
          <fieldset>
            <legend>Kind</legend>
            {KINDS.map((k) => (
              <label key={k}>
                <input type="checkbox" checked={draft.kind.includes(k)} onChange={() => toggle("kind", k)} /> {k.replace(/_/g, " ")}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Severity</legend>
            {SEVERITIES.map((s) => (
              <label key={s}>
                <input type="checkbox" checked={draft.severity.includes(s)} onChange={() => toggle("severity", s)} /> {s}
              </label>
            ))}
          </fieldset>
          <label>
            Gate{" "}
            <select value={draft.gate} onChange={(e) => setDraft({ ...draft, gate: e.target.value })}>
              <option value="">any</option>
              {gates.map((g) => (
                <option key={g}>{g}</option>
              ))}
            </select>
          </label>
          <label>
            Source{" "}
            <select value={draft.source} onChange={(e) => setDraft({ ...draft, source: e.target.value })}>
              <option value="">any</option>
              {sources.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Text <input type="search" value={draft.q} maxLength={200} onChange={(e) => setDraft({ ...draft, q: e.target.value })} placeholder="title or body" />
          </label>
          <button type="submit">Apply</button>
          <button
            type="button"
            onClick={() => {
              setDraft(NO_FILTERS);
              view.setFilters(NO_FILTERS);
            }}
          >
            Clear
          </button>
        </form>
      ) : null}
      <ol className={styles.list} aria-label="Timeline events" aria-busy={view.loading || undefined} data-testid="timeline-events">
        {view.events.map((e) => (
          <li key={e.id} data-event={e.id}>
            <time className="mono" dateTime={e.ts}>
              {day(e.ts)} {hhmmss(Date.parse(e.ts))}
            </time>
            <EventGlyph event={e} size={14} />
            <span className={styles.kind}>{e.kind.replace(/_/g, " ")}</span>
            <span className={styles.title}>{e.title}</span>
            {e.body ? <span className={styles.body}>{e.body}</span> : null}
          </li>
        ))}
        {!view.loading && view.events.length === 0 ? <li className={styles.empty}>No events match.</li> : null}
      </ol>
      <p className={styles.foot}>
        <span>{view.events.length} shown</span>
        {view.hasOlder ? (
          <button type="button" onClick={view.loadOlder} disabled={view.loadingOlder}>
            {view.loadingOlder ? "Loading…" : "Older"}
          </button>
        ) : (
          <span>· no older events</span>
        )}
      </p>
    </div>
  );
});
