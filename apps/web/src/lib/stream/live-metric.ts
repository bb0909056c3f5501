/**
 * What a streamed reading says about its metric, in one place (issues 18 and 20). The server
 * judges each sample against its gate's lines and sends the `severity` with it; the web takes
 * it as is and never computes one. A metric that just reported is fresh: until the web applies
 * the stream's metric stale / fresh events, that fact is set here too.
 */
import type { MetricSummary, StreamSample } from "@chiron/api-client";

export function liveMetricState(latest: StreamSample): Pick<MetricSummary, "severity" | "stale"> {
  return { severity: latest.severity, stale: false };
}
