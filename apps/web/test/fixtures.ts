/** Small builders for summary / gate / timeline shapes (types generated from the OpenAPI document). */
import type { AlarmOut, Gate, MetricSummary, Summary, TimelineEventOut } from "@chiron/api-client";

export const T0 = Date.UTC(2025, 5, 1, 14, 0, 0);
export const iso = (ms: number) => new Date(ms).toISOString();

export function alarm(over: Partial<AlarmOut> = {}): AlarmOut {
  return {
    state: "normal",
    latched_status: null,
    trigger: null,
    peak: null,
    since: null,
    acked_by: null,
    acked_at: null,
    comment: null,
    shelved_until: null,
    shelved_by: null,
    actions: ["shelve"],
    ...over,
  };
}

export function gate(over: Partial<Gate> = {}): Gate {
  return {
    slug: "thermal",
    title: "Thermal envelope",
    description: "",
    source: "rover-07",
    metric: "core.temp",
    status: "go",
    value: 60,
    unit: "°C",
    threshold: null,
    warn: 70,
    critical: 85,
    direction: "above",
    hysteresis: 0,
    min_violations: 1,
    position: 1,
    since: iso(T0),
    updated_at: iso(T0),
    last_seen_at: iso(T0),
    stale: false,
    no_data: false,
    stale_after_s: 30,
    alarm: alarm(),
    ...over,
  };
}

export function metric(over: Partial<MetricSummary> = {}): MetricSummary {
  return {
    source: "rover-07",
    metric: "core.temp",
    unit: "°C",
    value: 60,
    ts: iso(T0),
    severity: "ok",
    stale: false,
    last_seen_at: iso(T0),
    warn: 70,
    critical: 85,
    direction: "above",
    stale_after_s: 30,
    sparkline: [0, 1, 2].map((i) => ({ ts: iso(T0 - (2 - i) * 1000), value: 58 + i, min: 58 + i, max: 58 + i })),
    ...over,
  };
}

export function summary(over: Partial<Summary> = {}): Summary {
  return {
    generated_at: iso(T0),
    last_event_id: "1000-0",
    gates: [gate()],
    metrics: [metric()],
    counts: { samples_total: 10, sources: 1, metrics: 1, events_24h: 1, gates: { go: 1, hold: 0, "no-go": 0, stale: 0, no_data: 0 },
      alarms: { normal: 1, unacked: 0, acked: 0, rtn_unacked: 0, shelved: 0 } },
    sources: [],
    ...over,
  };
}

export function event(over: Partial<TimelineEventOut> = {}): TimelineEventOut {
  return {
    id: 1,
    ts: iso(T0),
    kind: "gate_transition",
    severity: "warning",
    title: "Thermal envelope → HOLD",
    body: "71.8 °C > 70.0",
    gate_slug: "thermal",
    source: "rover-07",
    actor: null,
    ...over,
  };
}
