"use client";
/** Every metric as a sparkline cell, grouped by the device that reports it. */
import type { MetricSummary, SourceClock } from "@chiron/api-client";
import { memo } from "react";
import { SignalCell } from "./SignalCell";
import styles from "./metrics.module.css";

export type SignalItem = { metric: MetricSummary; title: string; stale: boolean; skew?: SourceClock | undefined };
export type SignalGroup = { source: string; items: SignalItem[] };

/** Memoised: a stream flush re-renders only the cells whose metric changed (see SignalCell). */
export const SignalsGrid = memo(function SignalsGrid({ groups, now, windowLabel }: { groups: SignalGroup[]; now: number; windowLabel: string }) {
  const count = groups.reduce((n, g) => n + g.items.length, 0);
  return (
    <section className={`panel ${styles.signalsPanel}`} aria-labelledby="signals-heading">
      <div className="panel-head">
        <h2 id="signals-heading" className="section-label">
          Signals
        </h2>
        <span className="section-meta">
          {count} metrics · {groups.length} devices · {windowLabel}
        </span>
      </div>
      <div className={styles.signalsScroll}>
        {groups.map((g) => (
          <div key={g.source}>
            <h3 className={`${styles.groupHead} mono`}>
              {g.source}
            </h3>
            <div className={styles.signalsGrid}>
              {g.items.map((it) => (
                // `now` only matters to a stale cell (its age tag): a live cell is not redrawn by the clock.
                <SignalCell key={`${it.metric.source}/${it.metric.metric}`} metric={it.metric} title={it.title} stale={it.stale} now={it.stale ? now : 0} skew={it.skew} />
              ))}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
});
