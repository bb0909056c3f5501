/** A `poll` stream event (opened, answered, closed) refreshes the open polls panel at once. */
import type { PollOut } from "@chiron/api-client";
import { QueryClient } from "@tanstack/react-query";
import { queryKeys } from "../queries";
import { createCacheSink } from "./cache-sink";

const actor = { subject: "user_gene", name: "Gene", role: "org:director", station: "FLIGHT" };
const poll: PollOut = {
  id: 1, question: "Go for EVA?", stations: ["POWER"], gates: [], state: "open",
  opened_at: "2026-12-02T10:00:00Z", opened_by: actor, closes_at: null, closed_at: null,
  closed_by: null, outcome: null, reasons: [], answers: {}, history: [],
};

describe("cache sink: poll events", () => {
  it("refetches the open and closed polls on every poll event", () => {
    const qc = new QueryClient();
    const invalidate = vi.spyOn(qc, "invalidateQueries");
    const sink = createCacheSink(qc);
    sink({ type: "poll", action: "open", poll }, "1-0");
    sink({ type: "poll", action: "close", poll: { ...poll, state: "closed", outcome: "go" } }, "2-0");
    expect(invalidate).toHaveBeenCalledTimes(2);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.polls });
    sink.dispose();
  });

  it("refetches the operator log on a log event, and a poll event reaches both poll lists", () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.openPolls, { items: [] });
    qc.setQueryData(queryKeys.closedPolls, { items: [] });
    qc.setQueryData([...queryKeys.log, "list", {}], { pages: [], pageParams: [] });
    const sink = createCacheSink(qc);
    sink({ type: "poll", action: "close", poll: { ...poll, state: "closed", outcome: "go" } }, "1-0");
    expect(qc.getQueryState(queryKeys.openPolls)?.isInvalidated).toBe(true);
    expect(qc.getQueryState(queryKeys.closedPolls)?.isInvalidated).toBe(true);
    const author = actor;
    sink({ type: "log", action: "create", entry: { id: 1, at: poll.opened_at, created_at: poll.opened_at, edited_at: null, locked_at: poll.opened_at,
      body: "b", tags: [], gate: null, source: null, range: null, author, edits: [], event_id: 1 } }, "2-0");
    expect(qc.getQueryState([...queryKeys.log, "list", {}])?.isInvalidated).toBe(true);
    sink.dispose();
  });
});
