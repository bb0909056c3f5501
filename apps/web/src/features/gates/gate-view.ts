/** What a gate card says: status or STALE, the reason (value, unit, threshold) and ages. */
import type { Gate } from "@chiron/api-client";
import type { Severity } from "@chiron/ui";
import { metricFormatter, thresholdSymbol } from "../metrics/metric-format";

export type GateView = {
  severity: Severity;
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
    severity: stale ? "stale" : g.status,
    staleFor: stale ? Math.max(0, silentFor ?? 0) : null,
    valueText: value === null ? null : fmt(value),
    thresholdText: threshold === null ? null : `${which} ${thresholdSymbol(g.direction)} ${fmt(threshold)}`,
  };
}
