"use client";
/** A small badge on a source's metrics when its clock is off the server's (docs/clock-skew.md). */
import type { SourceClock } from "@chiron/api-client";
import styles from "./skew.module.css";

/** `2 h 0 min behind`, `12 s ahead`: positive skew means the device's clock is behind. */
export function skewText(skewS: number): string {
  const s = Math.abs(skewS);
  const amount = s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s` : `${s.toFixed(1)} s`;
  return `${amount} ${skewS > 0 ? "behind" : "ahead"}`;
}

/** The sources whose clocks the server calls skewed, by source id. */
export function skewedSources(sources: SourceClock[] | undefined): Map<string, SourceClock> {
  return new Map((sources ?? []).filter((c) => c.skewed).map((c) => [c.source, c]));
}

/** Nothing for a source in step; otherwise "clock 2 h 0 min behind", the server's word. */
export function SkewBadge({ clock }: { clock: SourceClock | undefined }) {
  if (!clock?.skewed) return null;
  const text = skewText(clock.skew_s);
  return (
    <span className={`${styles.skewTag} mono`} title={`${clock.source}'s clock is ${text} the server's`} data-testid="skew-badge">
      clock {text}
    </span>
  );
}
