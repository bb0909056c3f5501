/** The log composer: only for a session that may operate; tags parsed as the API keeps them. */
import type { Me } from "@chiron/api-client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { queryKeys } from "@/lib/queries";
import { LogComposer, canWriteLog, parseTags } from "./LogComposer";

function me(scopes: string[]): Me {
  return { subject: "user_ada", name: "Ada", scopes, expires_at: null, role: null, station: "THERMAL" };
}

function renderComposer(who: Me) {
  const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  qc.setQueryData(queryKeys.me, who);
  return render(
    <QueryClientProvider client={qc}>
      <LogComposer />
    </QueryClientProvider>,
  );
}

describe("LogComposer", () => {
  it("parses tags: trimmed, lower-cased, unique, no empties", () => {
    expect(parseTags("Thermal, anomaly ,, ops, thermal")).toEqual(["thermal", "anomaly", "ops"]);
    expect(parseTags("")).toEqual([]);
  });

  it("is for operate (or admin) only", () => {
    expect(canWriteLog(me(["read"]))).toBe(false);
    expect(canWriteLog(me(["read", "operate"]))).toBe(true);
    expect(canWriteLog(me(["admin"]))).toBe(true);
    expect(canWriteLog(null)).toBe(false);
  });

  it("shows an operator the form, with Log disabled until there is text", () => {
    renderComposer(me(["read", "operate"]));
    expect(screen.getByRole("form", { name: "Operator log" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Log" })).toBeDisabled();
  });

  it("shows a viewer nothing", () => {
    const { container } = renderComposer(me(["read"]));
    expect(container).toBeEmptyDOMElement();
  });
});
