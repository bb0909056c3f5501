/** Types inferred from the (temporary) schemas; same names the generator will emit. */
import type { z } from "zod";
import type * as s from "./schemas";

export type GateStatus = z.infer<typeof s.zGateStatus>;
export type MetricSeverity = z.infer<typeof s.zMetricSeverity>;
export type EventSeverity = z.infer<typeof s.zEventSeverity>;
export type Gate = z.infer<typeof s.zGate>;
export type SparkPoint = z.infer<typeof s.zSparkPoint>;
export type MetricSummary = z.infer<typeof s.zMetricSummary>;
export type Summary = z.infer<typeof s.zSummary>;
export type TimelineEvent = z.infer<typeof s.zTimelineEvent>;
export type TimelinePage = z.infer<typeof s.zTimelinePage>;
export type Series = z.infer<typeof s.zSeries>;
export type StreamSample = z.infer<typeof s.zStreamSample>;
export type TelemetryPayload = z.infer<typeof s.zTelemetryPayload>;
export type TokenResponse = z.infer<typeof s.zTokenResponse>;
export type Me = z.infer<typeof s.zMe>;
export type ApiError = z.infer<typeof s.zApiError>;
