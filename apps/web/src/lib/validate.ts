/**
 * Validation with the generated schemas, for what the SDK does not validate itself: stream
 * frames, form input and error bodies. Part of the lazily loaded API module (api.ts, loaded by
 * api-loader.ts), so zod and the schemas stay out of the first-load JS.
 */
import { zDevAssertionRequest, zErrorResponse, zTelemetryPayload } from "@chiron/api-client";
import { safeParse, type core } from "zod/mini";

/**
 * The schemas the web app validates with by name. Listed rather than `import *`: a
 * lookup by name keeps every export of a namespace in the bundle. Responses are the
 * SDK's to validate (api.ts). A name missing here is a type error at the call site.
 */
const schemas = { zDevAssertionRequest, zErrorResponse, zTelemetryPayload };

type Schemas = typeof schemas;

/** Name of a listed schema, e.g. "zTelemetryPayload". */
export type SchemaName = { [K in keyof Schemas]: Schemas[K] extends core.$ZodType ? K : never }[keyof Schemas];

/** What a named schema parses to. */
export type Parsed<K extends SchemaName> = core.output<Schemas[K]>;

export type SafeResult<T> = { success: true; data: T } | { success: false; issues: readonly core.$ZodIssue[] };

/** Parses `value` with a generated schema, without throwing. */
export function safeValidate<K extends SchemaName>(name: K, value: unknown): SafeResult<Parsed<K>> {
  const r = safeParse(schemas[name] as core.$ZodType, value);
  return r.success ? { success: true, data: r.data as Parsed<K> } : { success: false, issues: r.error.issues };
}
