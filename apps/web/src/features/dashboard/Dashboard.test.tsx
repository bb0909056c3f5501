/**
 * The dashboard draws the server's decisions: staleness comes from `stale` on each gate and metric,
 * never from the age of `last_seen_at`, even while the stream is down (the badge says OFFLINE and
 * how old the data is instead).
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import type { StreamState } from "@/lib/stream/manager";
import { queryKeys } from "@/lib/queries";
import { gate, iso, metric, summary } from "../../../test/fixtures";
import { Dashboard } from "./Dashboard";

const stream = vi.hoisted(() => ({ state: null as StreamState | null }));
vi.mock("next/navigation", () => ({ useRouter: () => ({ replace: vi.fn(), refresh: vi.fn() }) }));
vi.mock("../stream/useDashboardStream", () => ({ useDashboardStream: () => stream.state }));

const offline = (since: number): StreamState => ({
  status: "offline",
  lastEventId: "1000-0",
  lastEventAt: since,
  attempt: 9,
  retryAt: since + 60_000,
  failingSince: since,
});

function renderDashboard(s: ReturnType<typeof summary>, now: number) {
  const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  qc.setQueryData(queryKeys.summary, s);
  qc.setQueryData(queryKeys.timeline(null), { items: [], next_cursor: null });
  qc.setQueryData(queryKeys.me, { subject: "op", name: "Op", email: "op@x", scopes: ["read"], expires_at: null });
  return render(
    <QueryClientProvider client={qc}>
      <Dashboard site="Range" fleet="fleet-a" serverNow={now} />
    </QueryClientProvider>,
  );
}

const card = (title: string) => screen.getByRole("article", { name: title });

describe("Dashboard staleness", () => {
  it("keeps the server's status for a silent gate while the stream is offline (no client-side staleness)", () => {
    const now = Date.now();
    const tenMinAgo = iso(now - 10 * 60_000);
    stream.state = offline(now - 10 * 60_000);
    const { container } = renderDashboard(
      summary({
        generated_at: tenMinAgo,
        gates: [gate({ last_seen_at: tenMinAgo, stale: false, stale_after_s: 30 })],
        metrics: [metric({ last_seen_at: tenMinAgo, ts: tenMinAgo, stale: false, stale_after_s: 30 })],
      }),
      now,
    );
    expect(card("Thermal envelope")).toHaveAttribute("data-severity", "go");
    expect(container.querySelector("[data-stale]")).toBeNull();
    expect(screen.getByText("OFFLINE")).toBeInTheDocument();
  });

  it("shows STALE with its age when the server says a gate and its metric are stale", () => {
    const now = Date.now();
    const twoMinAgo = iso(now - 120_000);
    stream.state = { ...offline(now), status: "live", attempt: 0, retryAt: null, failingSince: null };
    renderDashboard(
      summary({
        gates: [gate({ last_seen_at: twoMinAgo, stale: true })],
        metrics: [metric({ last_seen_at: twoMinAgo, stale: true })],
      }),
      now,
    );
    expect(card("Thermal envelope")).toHaveAttribute("data-severity", "stale");
    expect(card("Thermal envelope")).toHaveTextContent("STALE");
    expect(card("Thermal envelope")).toHaveTextContent("2m");
  });
});
