/**
 * Validation with the generated schemas, loaded on first use (`loadValidation`)
 * so zod and the schemas stay out of the first-load JS: the first paint is
 * rendered and validated on the server, and the browser needs them only for
 * its own fetches and stream frames.
 */
import {
  zDevAssertion,
  zDevAssertionRequest,
  zErrorResponse,
  zMe,
  zSeries,
  zSummary,
  zTelemetryPayload,
  zTimelinePage,
  zTokenResponse,
} from "@chiron/api-client";
import { parse, safeParse, type core } from "zod/mini";

/**
 * The schemas the web app validates with, by name. Listed rather than `import *`: a
 * lookup by name keeps every export of a namespace in the bundle, and the browser
 * never validates request bodies such as a sample batch or a gate edit. A name missing
 * here is a type error at the call site.
 */
const schemas = {
  zDevAssertion,
  zDevAssertionRequest,
  zErrorResponse,
  zMe,
  zSeries,
  zSummary,
  zTelemetryPayload,
  zTimelinePage,
  zTokenResponse,
};

type Api = typeof schemas;

/** Name of a generated schema export, e.g. "zSummary". */
export type SchemaName = { [K in keyof Api]: Api[K] extends core.$ZodType ? K : never }[keyof Api];

/** What a named schema parses to. */
export type Parsed<K extends SchemaName> = core.output<Api[K]>;

export type SafeResult<T> = { success: true; data: T } | { success: false; issues: readonly core.$ZodIssue[] };

/** Parses `value` with a generated schema; throws a ZodError when it does not fit. */
export function validate<K extends SchemaName>(name: K, value: unknown): Parsed<K> {
  return parse(schemas[name] as core.$ZodType, value) as Parsed<K>;
}

/** Like validate, without throwing. */
export function safeValidate<K extends SchemaName>(name: K, value: unknown): SafeResult<Parsed<K>> {
  const r = safeParse(schemas[name] as core.$ZodType, value);
  return r.success ? { success: true, data: r.data as Parsed<K> } : { success: false, issues: r.error.issues };
}
