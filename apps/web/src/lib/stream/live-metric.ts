/**
 * SEAM (issues 18 and 20), the one place the web still decides a metric's state: streamed
 * samples do not carry the server's severity yet. Until they do, a live value's level follows the
 * server's own rule (apps/api chiron.gates.rules: Thresholds.classify, where a value AT a
 * threshold is beyond it; metrics have no hysteresis), and a metric that just reported is fresh.
 * When the stream sends `severity` with each sample (and metric stale / fresh events), return the
 * sample's severity here and delete the arithmetic; nothing else in the web computes a severity.
 */
import type { MetricSummary, StreamSample } from "@chiron/api-client";

type Thresholds = Pick<MetricSummary, "warn" | "critical" | "direction">;

export function liveMetricState(m: Thresholds, latest: StreamSample): Pick<MetricSummary, "severity" | "stale"> {
  const v = latest.value;
  const beyond = (t: number | null) => t !== null && (m.direction === "below" ? v <= t : v >= t);
  const severity = beyond(m.critical) ? "critical" : beyond(m.warn) ? "warn" : "ok";
  return { severity, stale: false };
}
