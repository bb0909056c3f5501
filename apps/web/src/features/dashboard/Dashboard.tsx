"use client";
/** The command surface: reads the hydrated cache, keeps it live from the stream, lays out the bands. */
import type { Gate, MetricSummary, TimelineEventOut } from "@chiron/api-client";
import { AuroraBackground, NoiseOverlay, worstSeverity } from "@chiron/ui";
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useDeferredValue, useEffect, useMemo } from "react";
import { isUnauthorized } from "@/lib/http";
import { summaryQuery, timelineQuery } from "@/lib/queries";
import { useNow } from "@/lib/use-now";
import { gateView } from "../gates/gate-view";
import { AlarmList } from "../alarms/AlarmList";
import { ConductorPanel, useConductedDashboard } from "../conductor/ConductedDashboard";
import type { ConductorInit } from "../conductor/useConductor";
import { GatesBand } from "../gates/GatesBand";
import { LogControls } from "../log/LogControls";
import { KeyMetrics } from "../metrics/KeyMetrics";
import { metricTitle } from "../metrics/metric-titles";
import { SignalsGrid, type SignalItem } from "../metrics/SignalsGrid";
import { OpenPolls } from "../polls/OpenPolls";
import { skewedSources } from "../metrics/SkewBadge";
import { useDashboardStream } from "../stream/useDashboardStream";
import { useIngestMeter } from "../stream/useIngestMeter";
import { TimelineBand } from "../timeline/TimelineBand";
import { Header } from "./Header";
import styles from "./dashboard.module.css";

export type DashboardProps = {
  site: string;
  fleet: string;
  serverNow: number;
  /** The time conductor from the URL (parsed on the server, conductor/url-codec.ts). */
  conductor?: ConductorInit;
};

const NO_EVENTS: TimelineEventOut[] = [];

const sameSeries = (g: Gate, m: MetricSummary) => g.source === m.source && g.metric === m.metric;

export function Dashboard({ site, fleet, serverNow, conductor: conductorInit }: DashboardProps) {
  const router = useRouter();
  const clock = useNow(serverNow);
  const summary = useQuery(summaryQuery());
  const timeline = useQuery(timelineQuery(null));
  // The stream does not wait for the summary: opened during an outage, the page keeps trying
  // both (queries retry at most 5 s apart, lib/query-client.ts), each on its own.
  const stream = useDashboardStream(summary.data?.last_event_id, true);

  // The bands render from deferred copies of the cache and the clock. A stream flush (every
  // 250 ms under load) and the 1 s tick then re-render the page at deferred priority, which React
  // renders in ~5 ms slices instead of one blocking task (TanStack's useQuery is a
  // useSyncExternalStore, whose updates are otherwise rendered synchronously). With 20 metrics
  // at 10 Hz that was a 25-45 ms task per flush, and over 50 ms on a busy machine. The bands are
  // memoised, so the urgent render in between only redoes the header.
  const liveData = useDeferredValue(summary.data);
  const liveNow = useDeferredValue(clock);
  const head = useDeferredValue(timeline.data);
  const meter = useIngestMeter(liveData?.counts.samples_total, liveNow);
  // The time conductor: the range every band below draws (live window, paused, or fixed).
  const conducted = useConductedDashboard(conductorInit, liveData, head, liveNow);
  const { data, now, timelineView } = conducted;
  const events = timelineView.events;

  useEffect(() => {
    if (isUnauthorized(summary.error) || isUnauthorized(timeline.error)) router.replace("/login");
  }, [summary.error, timeline.error, router]);

  // Staleness is the server's word (`stale` on each gate and metric), never re-derived here from
  // times: with the stream down the badge says OFFLINE and how old the data on screen is.
  const gates = useMemo(() => (data?.gates ?? []).map((gate) => ({ gate, view: gateView(gate, now) })), [data?.gates, now]);
  const keyMetrics = useMemo(() => {
    if (!data) return [];
    // One gauge per gated series, even when several gates watch it.
    const seen = new Set<string>();
    return data.gates.flatMap((g) => {
      const key = `${g.source}\u0000${g.metric}`;
      if (seen.has(key)) return [];
      seen.add(key);
      const m = data.metrics.find((x) => sameSeries(g, x));
      // Both flags are the server's, and both arrive live (gate and metric stream events).
      return m ? [{ metric: m, title: metricTitle(m.metric), stale: m.stale || g.stale }] : [];
    });
  }, [data]);
  // Signals grouped by device, so two devices' "Link quality" are never told apart by a truncated
  // suffix: each group is headed by its source.
  const signals = useMemo(() => {
    const skewed = skewedSources(data?.sources);
    const groups = new Map<string, SignalItem[]>();
    for (const m of data?.metrics ?? []) {
      const list = groups.get(m.source) ?? [];
      list.push({ metric: m, title: metricTitle(m.metric), stale: m.stale, skew: skewed.get(m.source) });
      groups.set(m.source, list);
    }
    return [...groups.entries()].map(([source, items]) => ({ source, items }));
  }, [data?.metrics, data?.sources]);

  // The log's buttons, composer and list; a stable element for the memoised band. A paused
  // or fixed view (the time conductor's) stamps its range on new entries; the live view, now.
  const stampFrom = conducted.range.following ? undefined : conducted.range.from;
  const stampTo = conducted.range.following ? undefined : conducted.range.to;
  const logControls = useMemo(
    () => <LogControls range={stampFrom === undefined || stampTo === undefined ? null : { from: stampFrom, to: stampTo }} />,
    [stampFrom, stampTo],
  );

  const worst = worstSeverity(gates.map((g) => g.view.severity));
  const worstIndex = gates.findIndex((g) => g.view.severity === worst);
  const focus = gates.length ? (worstIndex + 0.5) / gates.length : 0.3;
  const dataAsOf = Math.max(stream.lastEventAt ?? 0, liveData ? Date.parse(liveData.generated_at) : 0) || null;
  // The devices are named in the signals' groups; here, how many gauges and whether they are live.
  const subtitle = `${keyMetrics.length} gated series · ${stream.status}`;

  return (
    <>
      <AuroraBackground severity={worst} focus={focus} />
      <NoiseOverlay opacity={0.015} />
      <div className={styles.page} data-stream={stream.status}>
        <Header
          site={site}
          fleet={fleet}
          devices={data?.counts.sources ?? null}
          now={clock}
          stream={stream}
          dataAsOf={dataAsOf}
          rate={meter.rate}
          conductor={<ConductorPanel conducted={conducted} now={clock} />}
        />
        {!data ? (
          <div className={`panel ${styles.waiting}`} role="status">
            {summary.isError || summary.failureCount > 0 ? "The Chiron API is not answering. Retrying…" : "Loading the command surface…"}
          </div>
        ) : (
          // The metrics row takes the height the other bands leave (dashboard.module.css).
          <main className={styles.main}>
            <GatesBand gates={gates} metrics={data.metrics} now={now} />
            <OpenPolls />
            {/* Alarms are about now, whatever range the bands show. */}
            <AlarmList gates={liveData?.gates ?? data.gates} />
            {/* Click or Enter on a gauge or signal opens its detail (conductor/MetricDetail). */}
            <div className={styles.metricsRow} onClick={conducted.openMetric} onKeyDown={conducted.openMetric}>
              <KeyMetrics items={keyMetrics} now={now} subtitle={subtitle} />
              <SignalsGrid groups={signals} now={now} windowLabel={conducted.rangeLabel} />
            </div>
            <TimelineBand
              events={events ?? NO_EVENTS}
              now={now}
              from={conducted.range.from}
              to={conducted.range.to}
              rangeLabel={conducted.rangeLabel}
              onBrush={conducted.brush}
              density={conducted.range.following ? meter.density : undefined}
              actions={logControls}
              tools={conducted.timelineTools}
            />
            {conducted.metricDetail}
          </main>
        )}
      </div>
    </>
  );
}
