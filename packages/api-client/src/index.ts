/** Chiron API client surface: zod schemas and their types. */
export * from "./schemas";
export type * from "./types";
