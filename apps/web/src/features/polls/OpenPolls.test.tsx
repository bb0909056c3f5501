/** Open polls: every session sees them; a listed station gets answer buttons, a director Close. */
import type { Me, PollOut } from "@chiron/api-client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen } from "@testing-library/react";
import { queryKeys } from "@/lib/queries";
import { OpenPolls } from "./OpenPolls";
import { canAnswer, canDirect, closesAtFromInput, gateWord, latestClosed, parseStations, stationRows } from "./poll-rules";
import { openPollsKey } from "./usePolls";

const actor = { subject: "user_gene", name: "Gene", role: "org:director", station: "FLIGHT" };
const poll: PollOut = {
  id: 1,
  question: "Go for EVA?",
  stations: ["POWER", "THERMAL"],
  gates: [],
  state: "open",
  opened_at: "2026-12-02T10:00:00Z",
  opened_by: actor,
  closes_at: null,
  closed_at: null,
  closed_by: null,
  outcome: null,
  reasons: [],
  answers: {
    POWER: { station: "POWER", answer: "no-go", comment: null, actor: { ...actor, station: "POWER" }, answered_at: "2026-12-02T10:01:00Z" },
  },
  history: [],
};

function me(scopes: string[], station: string | null): Me {
  return { subject: "user_x", name: "X", scopes, expires_at: null, role: null, station };
}

function renderPolls(who: Me, items: PollOut[] = [poll], closed: PollOut[] = []) {
  const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false, refetchInterval: false } } });
  qc.setQueryData(queryKeys.me, who);
  qc.setQueryData(openPollsKey, { items });
  qc.setQueryData(queryKeys.closedPolls, { items: closed });
  return render(
    <QueryClientProvider client={qc}>
      <OpenPolls />
    </QueryClientProvider>,
  );
}

describe("poll rules", () => {
  it("lets a listed station answer an open poll, and only then", () => {
    expect(canAnswer(me(["read", "operate"], "POWER"), poll)).toBe(true);
    expect(canAnswer(me(["read", "operate"], "COMMS"), poll)).toBe(false);
    expect(canAnswer(me(["read", "operate"], null), poll)).toBe(false);
    expect(canAnswer(me(["read"], "POWER"), poll)).toBe(false);
    expect(canAnswer(me(["read", "operate"], "POWER"), { ...poll, state: "closed" })).toBe(false);
  });

  it("lets direct (or admin) open and close", () => {
    expect(canDirect(me(["read", "operate"], "POWER"))).toBe(false);
    expect(canDirect(me(["read", "operate", "direct"], "FLIGHT"))).toBe(true);
    expect(canDirect(me(["admin"], null))).toBe(true);
  });

  it("parses stations as the API keeps them", () => {
    expect(parseStations("power, Thermal,,POWER")).toEqual(["POWER", "THERMAL"]);
  });

  it("reads a closing time as UTC, and says a gate's live status in the server's words", () => {
    expect(closesAtFromInput("2026-12-03T07:30")).toBe("2026-12-03T07:30:00.000Z");
    expect(closesAtFromInput("")).toBeNull();
    const alarm = { state: "normal" };
    expect(gateWord({ status: "go", stale: false, no_data: false, alarm: alarm as never })).toBe("GO");
    expect(gateWord({ status: "go", stale: true, no_data: false, alarm: alarm as never })).toBe("STALE");
    expect(gateWord({ status: "no-go", stale: false, no_data: false, alarm: { state: "unacked" } as never })).toBe("NO-GO · ALARM");
    expect(gateWord(undefined)).toBe("unknown gate");
  });

  it("keeps the newest closed poll of the last hour that was not dismissed", () => {
    const now = Date.parse("2026-12-02T11:00:00Z");
    const at = (iso: string, id: number): PollOut => ({ ...poll, id, state: "closed", closed_at: iso, outcome: "go" });
    const list = [at("2026-12-02T10:50:00Z", 3), at("2026-12-02T10:30:00Z", 2), at("2026-12-02T09:00:00Z", 1)];
    expect(latestClosed(list, new Set(), now)?.id).toBe(3);
    expect(latestClosed(list, new Set([3]), now)?.id).toBe(2);
    expect(latestClosed(list, new Set([3, 2]), now)).toBeNull();
  });

  it("says each station's answer in words", () => {
    expect(stationRows(poll)).toEqual([
      { station: "POWER", word: "NO-GO" },
      { station: "THERMAL", word: "waiting" },
    ]);
  });
});

describe("OpenPolls", () => {
  it("shows a viewer the poll and the answers, without any button", () => {
    renderPolls(me(["read"], "POWER"));
    expect(screen.getByRole("region", { name: "Poll: Go for EVA?" })).toBeInTheDocument();
    expect(screen.getByText("NO-GO")).toBeInTheDocument();
    expect(screen.getByText("waiting")).toBeInTheDocument();
    expect(screen.queryAllByRole("button")).toEqual([]);
  });

  it("gives a listed station the answer buttons, and a director Close", () => {
    renderPolls(me(["read", "operate"], "THERMAL"));
    expect(screen.getByRole("button", { name: "GO" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Abstain" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Close poll" })).toBeNull();
  });

  it("gives a director who is not polled Close, and the form to open another", () => {
    renderPolls(me(["read", "operate", "direct"], "FLIGHT"));
    expect(screen.getByRole("button", { name: "Close poll" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "GO" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Open a poll…" }));
    expect(screen.getByRole("form", { name: "Open a poll" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Open poll" })).toBeDisabled();
  });

  it("shows a director the form even without an open poll", () => {
    renderPolls(me(["read", "operate", "direct"], "FLIGHT"), []);
    fireEvent.click(screen.getByRole("button", { name: "Open a poll…" }));
    expect(screen.getByRole("form", { name: "Open a poll" })).toBeInTheDocument();
    expect(screen.getByLabelText("Closes at (UTC)")).toBeInTheDocument();
  });

  it("shows the latest closed poll's outcome and every reason, as the server recorded them", () => {
    const closed: PollOut = {
      ...poll,
      id: 2,
      state: "closed",
      closed_at: new Date().toISOString(),
      closed_by: actor,
      outcome: "no-go",
      gates: ["link"],
      reasons: [
        { code: "answered_no_go", station: "POWER", gate: null, message: "POWER answered no-go" },
        { code: "no_answer", station: "THERMAL", gate: null, message: "THERMAL did not answer" },
        { code: "gate_stale", station: null, gate: "link", message: "Telemetry link is stale" },
      ],
    };
    renderPolls(me(["read"], null), [], [closed]);
    const result = screen.getByRole("region", { name: "Poll result: Go for EVA?" });
    expect(result).toHaveTextContent("NO-GO");
    expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual(
      expect.arrayContaining(["POWER answered no-go", "THERMAL did not answer", "Telemetry link is stale"]),
    );
    // The outcome is the server's word: a GO outcome with the same answers reads GO.
    fireEvent.click(screen.getByRole("button", { name: /Dismiss/ }));
    expect(screen.queryByRole("region", { name: "Poll result: Go for EVA?" })).toBeNull();
  });

  it("shows nothing without an open poll", () => {
    const { container } = renderPolls(me(["read"], null), []);
    expect(container).toBeEmptyDOMElement();
  });
});
