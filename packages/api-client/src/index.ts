/**
 * Chiron API client surface: the generated zod/mini schemas and TypeScript
 * types (src/generated/, from openapi.json; never hand-edited). Only schemas
 * and types here so the browser bundle stays small; the generated fetch SDK
 * and TanStack Query factories are behind "@chiron/api-client/sdk" and
 * "@chiron/api-client/react-query".
 */
export * from "./generated/zod.gen";
export type * from "./generated/types.gen";
