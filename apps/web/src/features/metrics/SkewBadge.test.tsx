/**
 * A source whose clock the server calls skewed gets a badge on each of its metrics; a source in
 * step gets none (the server's `sources[].skewed`, never re-derived here).
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { queryKeys } from "@/lib/queries";
import { metric, summary, T0 } from "../../../test/fixtures";
import { Dashboard } from "../dashboard/Dashboard";
import { SkewBadge, skewText } from "./SkewBadge";

vi.mock("next/navigation", () => ({ useRouter: () => ({ replace: vi.fn(), refresh: vi.fn() }) }));
vi.mock("../stream/useDashboardStream", () => ({
  useDashboardStream: () => ({ status: "live", lastEventId: "1000-0", lastEventAt: T0, attempt: 0, retryAt: null, failingSince: null }),
}));

function renderDashboard(s: ReturnType<typeof summary>) {
  const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  qc.setQueryData(queryKeys.summary, s);
  qc.setQueryData(queryKeys.timeline(null), { items: [], next_cursor: null });
  qc.setQueryData(queryKeys.me, { subject: "op", name: "Op", email: "op@x", scopes: ["read"], expires_at: null });
  return render(
    <QueryClientProvider client={qc}>
      <Dashboard site="Range" fleet="fleet-a" serverNow={T0} />
    </QueryClientProvider>,
  );
}

describe("SkewBadge", () => {
  it("marks every metric of a skewed source, and only those", () => {
    renderDashboard(
      summary({
        gates: [],
        metrics: [
          metric({ source: "rover-1", metric: "battery.voltage" }),
          metric({ source: "rover-1", metric: "core.temp" }),
          metric({ source: "rover-2", metric: "core.temp" }),
        ],
        sources: [
          { source: "rover-1", skew_s: 7212, skewed: true },
          { source: "rover-2", skew_s: 0.2, skewed: false },
        ],
      }),
    );
    const badges = screen.getAllByTestId("skew-badge");
    expect(badges).toHaveLength(2);
    for (const badge of badges) {
      expect(badge.textContent).toBe("clock 2 h 0 min behind");
      expect(badge.getAttribute("title")).toContain("rover-1");
    }
  });

  it("renders nothing for a source in step or unknown", () => {
    const { container } = render(
      <>
        <SkewBadge clock={undefined} />
        <SkewBadge clock={{ source: "a", skew_s: 1, skewed: false }} />
      </>,
    );
    expect(container.textContent).toBe("");
  });

  it("says how far and which way", () => {
    expect(skewText(-12.34)).toBe("12.3 s ahead");
    expect(skewText(95)).toBe("1 min 35 s behind");
  });
});
