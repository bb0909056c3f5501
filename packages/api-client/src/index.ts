/**
 * Chiron API client surface: the generated zod/mini schemas and TypeScript
 * types (src/generated/, from openapi.json; never hand-edited). Only schemas
 * and types here so the browser bundle stays small; the generated fetch SDK
 * (one function per operation, responses validated with the schemas) is behind
 * "@chiron/api-client/sdk", its client factory (`createClient`) behind
 * "@chiron/api-client/client", and TanStack Query factories behind
 * "@chiron/api-client/react-query".
 */
export * from "./generated/zod.gen";
export type * from "./generated/types.gen";
