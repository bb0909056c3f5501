/** A clock-skew timeline event refreshes the summary, so the skew badge follows it live. */
import { QueryClient } from "@tanstack/react-query";
import { event, summary } from "../../../test/fixtures";
import { queryKeys } from "../queries";
import { createCacheSink } from "./cache-sink";

describe("cache sink: clock skew events", () => {
  it("refetches the summary on clock_skew and clock_in_step, not on other events", () => {
    const qc = new QueryClient();
    qc.setQueryData(queryKeys.summary, summary());
    qc.setQueryData(queryKeys.timeline(null), { items: [], next_cursor: null });
    const invalidate = vi.spyOn(qc, "invalidateQueries");
    const sink = createCacheSink(qc);

    sink({ type: "timeline", event: event({ id: 2, kind: "note" }) }, "1-0");
    expect(invalidate).not.toHaveBeenCalled();
    sink({ type: "timeline", event: event({ id: 3, kind: "clock_skew", source: "rover-1" }) }, "2-0");
    sink({ type: "timeline", event: event({ id: 4, kind: "clock_in_step", source: "rover-1" }) }, "3-0");
    expect(invalidate).toHaveBeenCalledTimes(2);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.summary });
    sink.dispose();
  });
});
