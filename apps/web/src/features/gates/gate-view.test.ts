/** A gate whose input never reported is NO DATA: drawn like stale, counted apart, never GO. */
import { gateTally, gateView, TALLY_ORDER } from "./gate-view";
import { gate, iso, T0 } from "../../../test/fixtures";

describe("gate view", () => {
  it("shows a never-reporting gate as no data (the stale look), whatever its status says", () => {
    const v = gateView(gate({ status: "go", no_data: true, stale: true, last_seen_at: null, value: null }), T0 + 60_000);
    expect(v).toMatchObject({ severity: "stale", noData: true, staleFor: null, valueText: null });
  });

  it("ages a stale gate from its last reading", () => {
    const v = gateView(gate({ stale: true, last_seen_at: iso(T0) }), T0 + 90_000);
    expect(v).toMatchObject({ severity: "stale", noData: false, staleFor: 90_000 });
  });

  it("counts no data apart from GO and from STALE", () => {
    const views = [
      gateView(gate({ status: "go" }), T0),
      gateView(gate({ status: "go", no_data: true, stale: true, last_seen_at: null }), T0),
      gateView(gate({ status: "hold", stale: true }), T0),
      gateView(gate({ status: "no-go" }), T0),
    ];
    expect(gateTally(views)).toEqual({ "no-go": 1, hold: 0, go: 1, stale: 1, "no-data": 1 });
    expect(TALLY_ORDER).toEqual(["no-go", "hold", "go", "stale", "no-data"]);
  });
});
