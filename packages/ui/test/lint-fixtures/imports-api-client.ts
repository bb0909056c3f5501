// Boundary fixture: linted as a file in src/charts/ by test/lint-boundaries.test.ts (ignored otherwise).
// A primitive that knows the API's types and an app's code instead of taking props.
import type { MetricSummary } from "@chiron/api-client";
import { zSummary } from "@chiron/api-client";
import { summaryQuery } from "../../../../apps/web/src/lib/queries";

export const knows = (m: MetricSummary) => [m, zSummary, summaryQuery];
