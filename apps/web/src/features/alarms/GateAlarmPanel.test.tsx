/**
 * The gate card's alarm: a word and a shape (never colour alone), a ring that stops once
 * acknowledged, the latched peak until then, and controls only for a session that may operate.
 */
import type { Me } from "@chiron/api-client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { queryKeys } from "@/lib/queries";
import { applyAlarm } from "@/lib/stream/alarm-transforms";
import { T0, alarm, gate, iso, summary } from "../../../test/fixtures";
import { alarmWord, canOperate, peakText } from "./alarm-text";
import { GateAlarmPanel } from "./GateAlarmPanel";

const raised = alarm({
  state: "unacked",
  trigger: "status",
  latched_status: "no-go",
  peak: { status: "no-go", value: 82.44, unit: "°C", at: iso(T0 - 4 * 3600_000 + 12 * 60_000) },
  since: iso(T0 - 4 * 3600_000),
  actions: ["acknowledge", "shelve"],
});

function me(scopes: string[]): Me {
  return { subject: "user_ada", name: "Ada", scopes, expires_at: null, role: null, station: "THERMAL" };
}

function renderPanel(g: ReturnType<typeof gate>, who: Me) {
  const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  qc.setQueryData(queryKeys.me, who);
  return render(
    <QueryClientProvider client={qc}>
      <GateAlarmPanel gate={g} />
    </QueryClientProvider>,
  );
}

describe("alarm text", () => {
  it("says the latched peak until acknowledged", () => {
    expect(peakText(raised)).toBe("peaked NO-GO 82.4 °C at 10:12");
    expect(peakText({ ...raised, state: "rtn_unacked" })).toBe("peaked NO-GO 82.4 °C at 10:12");
    expect(peakText({ ...raised, state: "acked" })).toBeNull();
  });

  it("names every state in words", () => {
    expect(alarmWord(alarm())).toBeNull();
    expect(alarmWord(raised)).toBe("ALARM");
    expect(alarmWord({ ...raised, trigger: "stale" })).toBe("ALARM · SILENT");
    expect(alarmWord({ ...raised, state: "rtn_unacked" })).toBe("ALARM · RETURNED");
    expect(alarmWord({ ...raised, state: "acked" })).toBe("ACKNOWLEDGED");
    expect(alarmWord({ ...raised, state: "shelved" })).toBe("SHELVED");
  });

  it("lets operate (or admin) act", () => {
    expect(canOperate(me(["read"]))).toBe(false);
    expect(canOperate(me(["read", "operate"]))).toBe(true);
    expect(canOperate(me(["admin"]))).toBe(true);
    expect(canOperate(null)).toBe(false);
  });
});

describe("GateAlarmPanel", () => {
  it("shows an operator the alarm, its peak, and the controls; the ring runs", () => {
    renderPanel(gate({ alarm: raised }), me(["read", "operate"]));
    const panel = screen.getByRole("region", { name: "Thermal envelope alarm" });
    expect(panel).toHaveAttribute("data-alarm", "unacked");
    expect(panel).toHaveAttribute("data-motion", "on");
    expect(screen.getByText("ALARM")).toBeInTheDocument();
    expect(screen.getByText("peaked NO-GO 82.4 °C at 10:12")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Acknowledge" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Shelve…" })).toBeInTheDocument();
  });

  it("shows a viewer the same alarm without any button", () => {
    renderPanel(gate({ alarm: raised }), me(["read"]));
    expect(screen.getByText("ALARM")).toBeInTheDocument();
    expect(screen.getByText("peaked NO-GO 82.4 °C at 10:12")).toBeInTheDocument();
    expect(screen.queryAllByRole("button")).toEqual([]);
  });

  it("stops the ring once acknowledged, and says by whom", () => {
    const acked = { ...raised, state: "acked" as const, actions: ["shelve" as const],
      acked_by: { subject: "user_ada", name: "Ada", role: "org:operator", station: "THERMAL" } };
    renderPanel(gate({ alarm: acked }), me(["read", "operate"]));
    const panel = screen.getByRole("region", { name: "Thermal envelope alarm" });
    expect(panel).toHaveAttribute("data-motion", "off");
    expect(screen.getByText("by Ada (THERMAL)")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Acknowledge" })).toBeNull();
  });

  it("draws nothing for a quiet alarm", () => {
    const { container } = renderPanel(gate(), me(["read", "operate"]));
    expect(container).toBeEmptyDOMElement();
  });
});

describe("applyAlarm", () => {
  it("replaces the gate's alarm and recounts", () => {
    const next = applyAlarm(summary({ gates: [gate()] }), {
      gate: "thermal", title: "Thermal envelope", source: "rover-07", metric: "core.temp",
      status: "no-go", stale: false, value: 90, unit: "°C", alarm: raised,
    });
    expect(next.gates[0]!.alarm.state).toBe("unacked");
    expect(next.counts.alarms).toEqual({ normal: 0, unacked: 1, acked: 0, rtn_unacked: 0, shelved: 0 });
  });
});

describe("AlarmList", () => {
  it("lists the active alarms, filters by state, and hides controls from a viewer", async () => {
    const { AlarmList } = await import("./AlarmList");
    const { fireEvent } = await import("@testing-library/react");
    const shelved = alarm({ state: "shelved", actions: ["unshelve"], shelved_until: iso(T0 + 3600_000) });
    const gates = [
      gate({ slug: "a", title: "Alpha", alarm: raised }),
      gate({ slug: "b", title: "Bravo", alarm: shelved }),
      gate({ slug: "c", title: "Charlie" }),
    ];
    const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
    qc.setQueryData(queryKeys.me, me(["read"]));
    render(
      <QueryClientProvider client={qc}>
        <AlarmList gates={gates} />
      </QueryClientProvider>,
    );
    const list = screen.getByRole("region", { name: /Alarms/ });
    expect(screen.getAllByRole("listitem").map((li) => li.getAttribute("aria-label"))).toEqual(["Alpha: ALARM", "Bravo: SHELVED"]);
    fireEvent.change(screen.getByLabelText("Show"), { target: { value: "shelved" } });
    expect(screen.getAllByRole("listitem").map((li) => li.getAttribute("aria-label"))).toEqual(["Bravo: SHELVED"]);
    // The only button a viewer gets is the list's own Hide / Show.
    expect([...list.querySelectorAll("button")].map((b) => b.textContent)).toEqual(["Hide"]);
  });

  it("stays collapsed while nothing waits for an acknowledgement, and opens for a new alarm", async () => {
    const { AlarmList, listExpanded } = await import("./AlarmList");
    const { fireEvent } = await import("@testing-library/react");
    const acked = alarm({ state: "acked", actions: ["shelve"] });
    const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
    qc.setQueryData(queryKeys.me, me(["read", "operate"]));
    const view = (gates: ReturnType<typeof gate>[]) => (
      <QueryClientProvider client={qc}>
        <AlarmList gates={gates} />
      </QueryClientProvider>
    );
    const { rerender } = render(view([gate({ slug: "a", title: "Alpha", alarm: acked })]));
    expect(screen.getByRole("button", { name: "Show" })).toHaveAttribute("aria-expanded", "false");
    expect(screen.queryAllByRole("listitem")).toEqual([]);
    fireEvent.click(screen.getByRole("button", { name: "Show" }));
    expect(screen.getAllByRole("listitem")).toHaveLength(1);
    fireEvent.click(screen.getByRole("button", { name: "Hide" }));
    // A new unacknowledged alarm opens the list again, with its compact card's actions.
    rerender(view([gate({ slug: "a", title: "Alpha", alarm: acked }), gate({ slug: "b", title: "Bravo", alarm: raised })]));
    expect(screen.getByRole("button", { name: "Hide" })).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByRole("listitem", { name: "Bravo: ALARM" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Acknowledge" })).not.toHaveAttribute("aria-label");
    expect(listExpanded("", null)).toBe(false);
    expect(listExpanded("b", { waiting: "b", open: false })).toBe(false);
    expect(listExpanded("a b", { waiting: "b", open: false })).toBe(true);
  });

  it("draws nothing without an active alarm", async () => {
    const { AlarmList } = await import("./AlarmList");
    const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
    const { container } = render(
      <QueryClientProvider client={qc}>
        <AlarmList gates={[gate()]} />
      </QueryClientProvider>,
    );
    expect(container).toBeEmptyDOMElement();
  });
});
