/** Loads src/lib/validate.ts (zod + generated schemas) once, on first use. */
import type * as Validation from "./validate";

export type { Parsed, SafeResult, SchemaName } from "./validate";
export type ValidationModule = typeof Validation;

let loading: Promise<ValidationModule> | null = null;

export function loadValidation(): Promise<ValidationModule> {
  loading ??= import("./validate");
  return loading;
}
