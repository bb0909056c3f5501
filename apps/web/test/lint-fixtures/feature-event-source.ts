// Boundary fixture: linted as a file in src/features/ by test/lint-boundaries.test.ts (ignored otherwise).
// A feature opening its own stream instead of using lib/stream/manager.ts.
export const open = () => new EventSource("/api/v1/dashboard/stream");
