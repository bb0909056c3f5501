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
  it("refetches the open polls on every poll event", () => {
    const qc = new QueryClient();
    const invalidate = vi.spyOn(qc, "invalidateQueries");
    const sink = createCacheSink(qc);
    sink({ type: "poll", action: "open", poll }, "1-0");
    sink({ type: "poll", action: "close", poll: { ...poll, state: "closed", outcome: "go" } }, "2-0");
    expect(invalidate).toHaveBeenCalledTimes(2);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.openPolls });
    sink.dispose();
  });
});
