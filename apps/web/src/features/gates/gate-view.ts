/** What a gate card says: status or STALE, the reason (value, unit, threshold) and ages. */
import type { Gate } from "@chiron/api-client";
import type { Glyph, Severity } from "@chiron/ui";
import { metricFormatter, thresholdSymbol } from "../metrics/metric-format";

export type GateView = {
  severity: Severity;
  /** The input never reported since the gate was defined (the server's `no_data`): never GO. */
  noData: boolean;
  /** Stale for this long (ms), else null. */
  staleFor: number | null;
  valueText: string | null;
  thresholdText: string | null;
};

/** Status and staleness are the server's (`status`, `stale`); `now` only ages what it decided. */
export function gateView(g: Gate, now: number): GateView {
  const lastSeen = g.last_seen_at ? Date.parse(g.last_seen_at) : null;
  const silentFor = lastSeen === null ? null : now - lastSeen;
  const stale = g.stale;
  const value = g.value ?? null;
  const fmt = metricFormatter(g.unit ?? null, value);
  const threshold = g.threshold ?? (g.status === "no-go" ? g.critical : g.warn);
  const which = threshold !== null && threshold === g.critical && g.status === "no-go" ? "crit" : "warn";
  return {
    severity: stale || g.no_data ? "stale" : g.status,
    noData: g.no_data,
    staleFor: stale && !g.no_data ? Math.max(0, silentFor ?? 0) : null,
    valueText: value === null ? null : fmt(value),
    thresholdText: threshold === null ? null : `${which} ${thresholdSymbol(g.direction)} ${fmt(threshold)}`,
  };
}

/** The header's totals: a gate with no data is counted apart, never as GO (nor as STALE). */
export const TALLY_ORDER: Glyph[] = ["no-go", "hold", "go", "stale", "no-data"];

export function gateTally(views: readonly GateView[]): Record<Glyph, number> {
  const tally = { "no-go": 0, hold: 0, go: 0, stale: 0, "no-data": 0 };
  for (const v of views) tally[v.noData ? "no-data" : v.severity] += 1;
  return tally;
}
