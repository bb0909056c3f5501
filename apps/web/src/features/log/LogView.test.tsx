/** The log view: search and filters go to the server, pages by cursor, history shown, and an
 * edit refused by the server (409 locked) says so. */
import type { LogEntryOut, Me } from "@chiron/api-client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { HttpError } from "@/lib/http";
import { queryKeys } from "@/lib/queries";
import { LogView } from "./LogView";

const ada = { subject: "user_ada", name: "Ada", role: "org:operator", station: "THERMAL" };
const entry = (id: number, over: Partial<LogEntryOut> = {}): LogEntryOut => ({
  id, at: "2026-12-02T10:00:00Z", created_at: "2026-12-02T10:00:00Z", edited_at: null,
  locked_at: new Date(Date.now() + 600_000).toISOString(), body: `entry ${id}`, tags: [], gate: null,
  source: null, range: null, author: ada, edits: [], event_id: id, ...over,
});
const list = vi.fn<(o: unknown) => Promise<unknown>>();
const edit = vi.fn<(o: unknown) => Promise<unknown>>();
vi.mock("@/lib/api-loader", () => ({
  browserApi: () => Promise.resolve({ client: {}, sdk: { logList: (o: unknown) => list(o), logEdit: (o: unknown) => edit(o) } }),
}));

function renderView(who: Me) {
  const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  qc.setQueryData(queryKeys.me, who);
  return render(
    <QueryClientProvider client={qc}>
      <LogView open onClose={() => {}} />
    </QueryClientProvider>,
  );
}

describe("LogView", () => {
  beforeEach(() => {
    list.mockReset();
    edit.mockReset();
  });

  it("lists entries with author and station, pages by cursor, searches on the server", async () => {
    list.mockImplementation((o) =>
      Promise.resolve((o as { query: Record<string, string> }).query.before
        ? { data: { items: [entry(1)], next_cursor: null } }
        : { data: { items: [entry(3, { edits: [{ body: "old words", tags: [], edited_at: "2026-12-02T10:01:00Z", editor: ada }], edited_at: "2026-12-02T10:01:00Z" }), entry(2, { author: { ...ada, subject: "user_bob", name: "Bob", station: "POWER" } })], next_cursor: "c2" } }),
    );
    renderView({ subject: "user_ada", name: "Ada", scopes: ["read", "operate"], expires_at: null, role: null, station: "THERMAL" });
    expect(await screen.findByText("entry 3")).toBeInTheDocument();
    expect(screen.getByText("POWER")).toBeInTheDocument();
    expect(screen.getByText(/History \(1 edit\)/)).toBeInTheDocument();
    expect(screen.getByText("old words")).toBeInTheDocument();
    // Only one's own entry, inside its window, offers Edit.
    expect(screen.getAllByRole("button", { name: "Edit" })).toHaveLength(1);
    fireEvent.click(screen.getByRole("button", { name: "Older entries" }));
    expect(await screen.findByText("entry 1")).toBeInTheDocument();
    expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ query: { limit: 20, before: "c2" } }));
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "pump" } });
    fireEvent.change(screen.getByLabelText("Tag"), { target: { value: "Thermal" } });
    fireEvent.change(screen.getByLabelText("Author"), { target: { value: "Ada" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    await waitFor(() => expect(list).toHaveBeenLastCalledWith(expect.objectContaining({ query: { limit: 20, q: "pump", tag: "thermal", author: "Ada" } })));
  });

  it("shows the server's answer when an edit is refused", async () => {
    list.mockResolvedValue({ data: { items: [entry(5)], next_cursor: null } });
    edit.mockRejectedValue(new HttpError(409, "locked", "The entry is locked: the edit window closed at 10:15"));
    renderView({ subject: "user_ada", name: "Ada", scopes: ["read", "operate"], expires_at: null, role: null, station: "THERMAL" });
    fireEvent.click(await screen.findByRole("button", { name: "Edit" }));
    const text = screen.getByRole("textbox", { name: "Entry text" });
    fireEvent.change(text, { target: { value: "entry 5, corrected" } });
    fireEvent.keyDown(text, { key: "Enter" });
    expect(await screen.findByRole("alert")).toHaveTextContent("Not saved: The entry is locked");
    expect(edit).toHaveBeenCalledWith(expect.objectContaining({ path: { entry_id: 5 }, body: { body: "entry 5, corrected" } }));
  });
});
