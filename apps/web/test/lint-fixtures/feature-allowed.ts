// Boundary fixture: linted as a file in src/features/ by test/lint-boundaries.test.ts (ignored otherwise).
// What a feature may do: types and schemas from the client package, data through src/lib.
import type { Summary } from "@chiron/api-client";
import { summaryQuery } from "@/lib/queries";

export const options = summaryQuery();
export const none: Summary | null = null;
