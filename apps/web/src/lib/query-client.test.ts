/** Recovery without a reload (issue 20): the browser's queries keep retrying an API that is down. */
import { HttpError } from "./http";
import { makeQueryClient } from "./query-client";

describe("query client", () => {
  const options = () => makeQueryClient().getDefaultOptions().queries!;

  it("retries forever while the API is not answering, at most 5 s apart", () => {
    const { retry, retryDelay } = options();
    const down = new HttpError(503, "unavailable", "store down");
    expect(typeof retry).toBe("function");
    const decide = retry as (n: number, e: unknown) => boolean;
    expect(decide(3, down)).toBe(true); // today's limit of 3 retries would leave the page stuck
    expect(decide(500, new TypeError("fetch failed"))).toBe(true);
    const delay = retryDelay as (n: number, e: unknown) => number;
    expect(delay(50, down)).toBeLessThanOrEqual(5000);
    expect(delay(0, down)).toBeLessThanOrEqual(1000);
  });

  it("stops only when the session is gone", () => {
    const decide = options().retry as (n: number, e: unknown) => boolean;
    expect(decide(0, new HttpError(401, "unauthorized", "no session"))).toBe(false);
  });
});
