"use client";
/** LIVE / RECONNECTING / OFFLINE, with the retry plan or the age of the data on screen. */
import { alternateEased, useAmbientClock, useMotionEnabled } from "@chiron/ui";
import { useRef } from "react";
import { ageShort } from "@/lib/format";
import type { StreamState } from "@/lib/stream/manager";
import styles from "./stream.module.css";

export type StreamBadgeProps = {
  state: StreamState;
  now: number;
  /** When the data on screen was last current (last event or snapshot time). */
  dataAsOf: number | null;
  /** Recent ingest rate, samples per second. */
  rate: number | null;
};

/** Breathing period, each way (the old `breathe 2.4s ease-in-out infinite`: 1.2 s out, 1.2 s back). */
const BREATHE_MS = 1200;

/**
 * The LIVE dot. Its halo breathes on the ambient clock (a few steps a second) rather than with a
 * CSS keyframe animation, which would keep the compositor drawing a full frame at 60 frames/s for
 * a 9 px dot (see @chiron/ui ambient-clock). Still when motion is off.
 */
function LiveDot() {
  const ref = useRef<HTMLSpanElement>(null);
  useAmbientClock(
    useMotionEnabled(),
    (now) => {
      const b = alternateEased(now, BREATHE_MS);
      if (ref.current) {
        ref.current.style.boxShadow = `0 0 0 ${(4 + 3 * b).toFixed(2)}px rgba(61, 214, 163, ${(0.18 - 0.12 * b).toFixed(3)}), 0 0 ${(12 + 6 * b).toFixed(1)}px currentColor`;
      }
    },
    () => {
      if (ref.current) ref.current.style.boxShadow = "";
    },
  );
  return <span ref={ref} className={styles.dot} data-animated />;
}

function formatRate(rate: number): string {
  return rate >= 1000 ? `${(rate / 1000).toFixed(1)}k` : rate >= 10 ? rate.toFixed(0) : rate.toFixed(1);
}

export function StreamBadge({ state, now, dataAsOf, rate }: StreamBadgeProps) {
  const { status } = state;
  const label = status === "live" ? "LIVE" : status === "offline" ? "OFFLINE" : status === "connecting" ? "CONNECTING" : "RECONNECTING";
  let detail = "";
  if (status === "live" && rate !== null) detail = rate > 0 ? `${formatRate(rate)} samples/s` : "no samples";
  if (status === "reconnecting" && state.retryAt) detail = `retry ${state.attempt} · in ${Math.max(0, Math.ceil((state.retryAt - now) / 1000))}s`;
  if (status === "offline") detail = dataAsOf ? `data ${ageShort(now - dataAsOf)} old` : "no data";
  return (
    <div className={styles.badge} data-status={status} role="status" aria-live="polite">
      <span className={styles.glyph} aria-hidden>
        {status === "live" ? <LiveDot /> : null}
        {status === "reconnecting" || status === "connecting" ? (
          <svg viewBox="0 0 16 16" width="14" height="14" className={styles.spin} data-animated>
            <path d="M13.5 8A5.5 5.5 0 1 1 11 3.4M13.5 2.5v3.2h-3.2" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
          </svg>
        ) : null}
        {status === "offline" ? (
          <svg viewBox="0 0 16 16" width="14" height="14">
            <path d="M2 2l12 12M5.5 8.5a4 4 0 0 1 5 0M3 6a7.5 7.5 0 0 1 4-1.9M13 6a7.5 7.5 0 0 0-2-1.4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
          </svg>
        ) : null}
      </span>
      <span className={styles.label}>{label}</span>
      {detail ? <span className={styles.detail}>{detail}</span> : null}
    </div>
  );
}
