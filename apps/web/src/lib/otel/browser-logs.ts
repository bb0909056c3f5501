/**
 * Server side of the browser logger: validates a batch from
 * src/lib/browser-log.ts and turns it into an OTLP/HTTP JSON logs request
 * (service chiron-web, scope chiron.browser).
 */
import { z } from "zod";

export const MAX_BATCH = 50;
const MAX_TEXT = 4000;

export const zBrowserLogBatch = z.object({
  records: z
    .array(
      z.object({
        /** Epoch ms in the browser. */
        ts: z.number().int().nonnegative(),
        level: z.enum(["debug", "info", "warn", "error"]),
        message: z.string().max(MAX_TEXT),
        /** "error" | "unhandledrejection" | "log". */
        kind: z.string().max(32).optional(),
        stack: z.string().max(MAX_TEXT).optional(),
        url: z.string().max(2000).optional(),
        attributes: z.record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean()])).optional(),
      }),
    )
    .min(1)
    .max(MAX_BATCH),
});

export type BrowserLogBatch = z.infer<typeof zBrowserLogBatch>;

const SEVERITY = { debug: 5, info: 9, warn: 13, error: 17 } as const;

type AnyValue = { stringValue: string } | { doubleValue: number } | { boolValue: boolean };
const anyValue = (v: string | number | boolean): AnyValue =>
  typeof v === "string" ? { stringValue: v } : typeof v === "number" ? { doubleValue: v } : { boolValue: v };
const kv = (key: string, v: string | number | boolean) => ({ key, value: anyValue(v) });

/** OTLP/HTTP JSON body for a batch (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding). */
export function toOtlpLogs(batch: BrowserLogBatch, ctx: { userAgent?: string | null; receivedAt?: number } = {}) {
  const observed = String(BigInt(ctx.receivedAt ?? Date.now()) * 1_000_000n);
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [kv("service.name", "chiron-web"), kv("telemetry.sdk.language", "webjs")],
        },
        scopeLogs: [
          {
            scope: { name: "chiron.browser" },
            logRecords: batch.records.map((r) => ({
              timeUnixNano: String(BigInt(r.ts) * 1_000_000n),
              observedTimeUnixNano: observed,
              severityNumber: SEVERITY[r.level],
              severityText: r.level.toUpperCase(),
              body: { stringValue: r.message },
              attributes: [
                kv("log.source", "browser"),
                ...(r.kind ? [kv("browser.event", r.kind)] : []),
                ...(r.stack ? [kv("exception.stacktrace", r.stack)] : []),
                ...(r.url ? [kv("url.full", r.url)] : []),
                ...(ctx.userAgent ? [kv("user_agent.original", ctx.userAgent.slice(0, 300))] : []),
                ...Object.entries(r.attributes ?? {}).map(([k, v]) => kv(k, v)),
              ],
            })),
          },
        ],
      },
    ],
  };
}
