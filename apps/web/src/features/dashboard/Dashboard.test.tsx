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

  it("shows NO DATA for a gate whose input never reported, and counts it apart from GO", () => {
    const now = Date.now();
    stream.state = { ...offline(now), status: "live", attempt: 0, retryAt: null, failingSince: null };
    renderDashboard(
      summary({
        gates: [gate(), gate({ slug: "ghost", title: "Ghost", source: "ghost-1", position: 2, no_data: true, stale: true, last_seen_at: null, value: null })],
      }),
      now,
    );
    expect(card("Ghost")).toHaveAttribute("data-no-data", "true");
    expect(card("Ghost")).toHaveTextContent("NO DATA");
    expect(card("Ghost")).not.toHaveTextContent(/\bGO\b/);
    const totals = screen.getByRole("list", { name: "Gate totals" });
    expect(totals.querySelector('[data-severity="go"]')).toHaveAttribute("data-count", "1");
    expect(totals.querySelector('[data-severity="no-data"]')).toHaveAttribute("data-count", "1");
  });
});

describe("Dashboard signals", () => {
  it("groups signals by device, so the same metric on two devices is told apart", () => {
    const now = Date.now();
    stream.state = { ...offline(now), status: "live", attempt: 0, retryAt: null, failingSince: null };
    renderDashboard(
      summary({ metrics: [metric({ source: "rover-1", metric: "link.quality" }), metric({ source: "rover-2", metric: "link.quality" })] }),
      now,
    );
    const signals = screen.getByRole("region", { name: "Signals" });
    const heads = [...signals.querySelectorAll("h3")].map((h) => h.textContent);
    expect(heads).toEqual(["rover-1", "rover-2"]);
    expect(signals.querySelector('[data-series="rover-1/link.quality"]')).toHaveAccessibleName(/rover-1/);
    expect(signals.querySelector('[data-series="rover-2/link.quality"]')).toHaveAccessibleName(/rover-2/);
    expect(signals).toHaveTextContent("last 15m");
  });
});
