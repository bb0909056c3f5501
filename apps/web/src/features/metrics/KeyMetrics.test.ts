import { balancedColumns } from "./KeyMetrics";

describe("balancedColumns", () => {
  it("keeps rows even and at most `max` wide", () => {
    expect([1, 4, 6, 7, 8, 12, 13].map((n) => balancedColumns(n, 6))).toEqual([1, 4, 6, 4, 4, 6, 5]);
  });
});
