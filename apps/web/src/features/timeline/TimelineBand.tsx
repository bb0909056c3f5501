"use client";
/** The timeline band: lanes with pulses on a 30-minute axis, and the latest events as a list. */
import type { TimelineEventOut } from "@chiron/api-client";
import { SeverityIcon, TimelinePulseOverlay, type DensityPoint } from "@chiron/ui";
import { memo, type ReactNode } from "react";
import { hhmmss } from "@/lib/format";
import { TimelineBrush } from "../conductor/TimelineBrush";
import { useElementWidth } from "@/lib/use-element-width";
import { colorOf, EventGlyph, LANES, laneOf } from "./event-style";
import styles from "./timeline.module.css";

const WINDOW_MS = 30 * 60_000;
const getKey = (e: TimelineEventOut) => String(e.id);
const getTime = (e: TimelineEventOut) => Date.parse(e.ts);
const getTitle = (e: TimelineEventOut) => `${e.title}${e.body ? ` (${e.body})` : ""}`;
const legendEvent = (kind: string): TimelineEventOut => ({ id: 0, ts: "", kind, severity: "info", title: "", body: "", gate_slug: null, source: null, actor: null });
const LEGEND_FRESH = legendEvent("fresh");
const LEGEND_LOG = legendEvent("log");
const renderMarker = (e: TimelineEventOut) => <EventGlyph event={e} size={18} centered />;

/** Memoised: redrawn by the clock tick and new events, not by every stream flush. */
export type TimelineBandProps = {
  events: TimelineEventOut[];
  now: number;
  density?: DensityPoint[] | undefined;
  /** Controls in the band's head (the operator log's); keep it a stable element, the band is memoised. */
  actions?: ReactNode;
  /** The conductor's range (default: the 30 minutes before `now`). */
  from?: number;
  to?: number;
  /** Says the range, e.g. "last 1h" or "06:00–07:00". */
  rangeLabel?: string;
  /** Brushing the band chooses this range. */
  onBrush?: (from: number, to: number) => void;
  /** Under the band: the filterable, pageable list (conductor/TimelineTools). */
  tools?: ReactNode;
};

export const TimelineBand = memo(function TimelineBand({ events, now, density, actions, from = now - WINDOW_MS, to = now, rangeLabel = "last 30 min", onBrush, tools }: TimelineBandProps) {
  const [ref, width] = useElementWidth<HTMLDivElement>(900);
  const recent = events.slice(0, 4);
  const overlay = (
    <TimelinePulseOverlay
      events={events}
      getKey={getKey}
      getTime={getTime}
      getLane={laneOf}
      getTitle={getTitle}
      getColor={colorOf}
      renderMarker={renderMarker}
      lanes={LANES}
      from={from}
      to={to}
      width={width}
      height={112}
      label={`Timeline of gate changes, deploys and notes, ${rangeLabel}`}
      density={density && density.length > 1 ? density : undefined}
    />
  );
  return (
    <section className={`panel ${styles.panel}`} aria-labelledby="timeline-heading">
      <div className="panel-head">
        <h2 id="timeline-heading" className="section-label">
          Timeline
        </h2>
        <span className="section-meta">{rangeLabel}</span>
        <ul className={styles.legend} aria-label="Legend">
          <li>
            <SeverityIcon severity="go" size={13} />
            <SeverityIcon severity="hold" size={13} />
            <SeverityIcon severity="no-go" size={13} /> gate change
          </li>
          <li>
            <SeverityIcon severity="stale" size={13} color="#b3bccb" /> stale
          </li>
          <li>
            <span className={styles.deployArrow} aria-hidden>
              ↑
            </span>{" "}
            deploy
          </li>
          <li>
            <EventGlyph event={LEGEND_FRESH} size={14} /> reporting again
          </li>
          <li>
            <EventGlyph event={LEGEND_LOG} size={14} /> log
          </li>
          <li>
            <span className={styles.noteDot} aria-hidden /> note
          </li>
        </ul>
        {actions}
      </div>
      <div className={styles.body}>
        <div ref={ref} className={styles.chart}>
          {onBrush ? (
            <TimelineBrush from={from} to={to} width={width} onRange={onBrush}>
              {overlay}
            </TimelineBrush>
          ) : (
            overlay
          )}
        </div>
        <ol className={styles.list} aria-label="Latest events">
          {recent.map((e) => (
            <li key={e.id} tabIndex={0} data-event={e.id}>
              <time className="mono" dateTime={e.ts}>
                {hhmmss(Date.parse(e.ts))}
              </time>
              <EventGlyph event={e} size={16} />
              <span className={styles.eventText}>
                <span className={styles.eventTitle}>{e.title}</span>
                {e.body ? <span className={styles.eventBody}>{e.body}</span> : null}
              </span>
            </li>
          ))}
          {recent.length === 0 ? <li className={styles.empty}>No events yet.</li> : null}
        </ol>
      </div>
      {tools}
    </section>
  );
});
