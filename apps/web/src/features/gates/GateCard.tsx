"use client";
/** One gate in the hero band: the call as word + shape + colour, and the reason under it. */
import type { Gate } from "@chiron/api-client";
import { SeverityIcon, severityTokens, thresholdBands, useFrameTween, useMotionEnabled } from "@chiron/ui";
import { useRef, type CSSProperties } from "react";
import { ago, ageLong, ageShort, hhmm, hhmmss } from "@/lib/format";
import { GateAlarmPanel } from "../alarms/GateAlarmPanel";
import { gaugeRange } from "../metrics/metric-format";
import type { GateView } from "./gate-view";
import styles from "./gates.module.css";

export type GateCardProps = { gate: Gate; view: GateView; now: number; sparkline?: { ts: string; value: number }[] };

const MARKER_GLIDE = { durationMs: 600 };

function ThresholdBar({ gate, sparkline }: Pick<GateCardProps, "gate" | "sparkline">) {
  const { min, max } = gaugeRange({ unit: gate.unit ?? null, value: gate.value ?? null, warn: gate.warn, critical: gate.critical, sparkline: sparkline ?? [] });
  const pct = (v: number) => `${((Math.min(max, Math.max(min, v)) - min) / (max - min)) * 100}%`;
  const bands = thresholdBands(min, max, gate.warn, gate.critical, gate.direction);
  // The marker glides to a new value on the shared frame clock (a CSS transition of `left` would
  // lay the page out at 60 frames/s while values stream in).
  const marker = useRef<HTMLSpanElement>(null);
  const at = gate.value ?? min;
  const glide = (v: number) => {
    if (marker.current) marker.current.style.left = pct(v);
  };
  useFrameTween(at, useMotionEnabled(), glide, MARKER_GLIDE);
  return (
    <div className={styles.bar} aria-hidden>
      {bands.map((b) => (
        <span
          key={b.level}
          className={styles.band}
          data-level={b.level}
          style={{ left: pct(b.from), width: `calc(${pct(b.to)} - ${pct(b.from)})` }}
        />
      ))}
      {gate.value != null ? <span ref={marker} className={styles.marker} style={{ left: pct(gate.value) }} /> : null}
    </div>
  );
}

export function GateCard({ gate, view, now, sparkline }: GateCardProps) {
  const token = severityTokens[view.severity];
  const stale = view.severity === "stale";
  const lastSeen = gate.last_seen_at ? Date.parse(gate.last_seen_at) : null;
  const style = { "--sev": token.color, "--sev-glow": token.glow } as CSSProperties;
  const word = view.noData ? "NO DATA" : stale ? "STALE" : token.word;
  return (
    <article
      className={styles.card}
      data-severity={view.severity}
      data-no-data={view.noData || undefined}
      style={style}
      aria-labelledby={`gate-${gate.slug}`}
      tabIndex={0}
    >
      <header>
        <h3 id={`gate-${gate.slug}`} className={styles.title}>
          {gate.title}
        </h3>
        <p className={`${styles.key} mono`}>
          {gate.source} · {gate.metric}
        </p>
      </header>
      <p className={styles.status}>
        <SeverityIcon severity={view.noData ? "no-data" : view.severity} size={30} color={stale ? "#edf1f7" : undefined} />
        <span className={styles.word}>{word}</span>
        {stale && view.staleFor !== null ? <span className={`${styles.age} mono`}>{ageShort(view.staleFor)}</span> : null}
      </p>
      <p className={styles.reason}>
        {view.valueText !== null ? (
          <>
            <strong className={styles.value}>{view.valueText}</strong>
            {gate.unit ? <span className={styles.unit}>{gate.unit}</span> : null}
          </>
        ) : (
          <span className={styles.unit}>no reading</span>
        )}
        <span className={styles.sep}>·</span>
        <span>
          {view.noData || !lastSeen
            ? "never reported"
            : stale
              ? `last ${severityTokens[gate.status].word} ${hhmmss(lastSeen)}`
              : (view.thresholdText ?? "no threshold")}
        </span>
      </p>
      <ThresholdBar gate={gate} sparkline={sparkline} />
      <GateAlarmPanel gate={gate} />
      <footer className={styles.foot}>
        <span>{view.noData ? `watching since ${hhmm(Date.parse(gate.since))}` : stale ? "no samples" : gate.since ? `since ${hhmm(Date.parse(gate.since))}` : ""}</span>
        <span>{lastSeen === null ? "—" : stale ? ageLong(now - lastSeen) : ago(now - lastSeen)}</span>
      </footer>
      <span className="chiron-sr-only">
        {gate.title}: {word}
        {view.noData
          ? `, ${gate.source} has never reported ${gate.metric}`
          : stale
            ? `, silent for ${ageLong(view.staleFor ?? 0)}, last status ${severityTokens[gate.status].word}`
            : ""}
        .
      </span>
    </article>
  );
}
