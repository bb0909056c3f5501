// Boundary fixture: linted as a file in src/features/ by test/lint-boundaries.test.ts (ignored otherwise).
// A feature calling the API by hand instead of through the query factories and the SDK.
export async function loadSummary(): Promise<unknown> {
  const res = await fetch("/api/v1/dashboard/summary");
  const again = await window.fetch("/api/v1/dashboard/summary");
  return [await res.json(), await again.json()];
}
