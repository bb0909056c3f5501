// Boundary fixture: linted as a file in src/features/ by test/lint-boundaries.test.ts (ignored otherwise).
// A feature reaching into routes (by alias and relatively) and into the SDK around src/lib.
import { Providers } from "@/app/providers";
import DashboardPage from "../../app/page";
import { dashboardGetSummary } from "@chiron/api-client/sdk";

export const reached = [Providers, DashboardPage, dashboardGetSummary];
