/**
 * The log composer: only for a session that may operate; opened by `L` (not while typing),
 * Enter posts with the view's stamp, Escape closes; the edit window is the server's `locked_at`.
 */
import type { Me } from "@chiron/api-client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { queryKeys } from "@/lib/queries";
import { LogComposer } from "./LogComposer";
import { LogControls } from "./LogControls";
import { canEdit, canWriteLog, isLogShortcut, parseTags, stampOf, stampText } from "./log-stamp";

const create = vi.fn();
vi.mock("@/lib/api-loader", () => ({
  browserApi: () =>
    Promise.resolve({
      client: {},
      sdk: {
        logCreate: (o: { body: unknown }) => {
          create(o.body);
          return Promise.resolve({ data: { id: 1 } });
        },
        logList: () => Promise.resolve({ data: { items: [], next_cursor: null } }),
      },
    }),
}));

function me(scopes: string[]): Me {
  return { subject: "user_ada", name: "Ada", scopes, expires_at: null, role: null, station: "THERMAL" };
}

function renderWith(who: Me, ui: React.ReactElement) {
  const qc = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
  qc.setQueryData(queryKeys.me, who);
  return render(<QueryClientProvider client={qc}>{ui}</QueryClientProvider>);
}

const key = (over: Partial<Parameters<typeof isLogShortcut>[0]>) => ({ key: "l", ctrlKey: false, metaKey: false, altKey: false, target: document.body, ...over });

describe("log rules", () => {
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

  it("stamps now (the server's) for the live view, the range when one is handed down", () => {
    expect(stampOf(null)).toEqual({});
    expect(stampText(undefined)).toBe("stamped now");
    const from = Date.UTC(2026, 11, 2, 10, 5);
    const to = Date.UTC(2026, 11, 2, 10, 20);
    expect(stampOf({ from, to })).toEqual({ at: "2026-12-02T10:20:00.000Z", range: { from: "2026-12-02T10:05:00.000Z", to: "2026-12-02T10:20:00.000Z" } });
    expect(stampOf({ from: "2026-12-02T10:20:00Z", to: new Date(to) })).toEqual({ at: "2026-12-02T10:20:00.000Z" });
    expect(stampText({ from, to })).toBe("stamped 10:05–10:20 UTC");
  });

  it("opens on L without a modifier, never while typing", () => {
    expect(isLogShortcut(key({}))).toBe(true);
    expect(isLogShortcut(key({ key: "L" }))).toBe(true);
    expect(isLogShortcut(key({ ctrlKey: true }))).toBe(false);
    expect(isLogShortcut(key({ key: "k" }))).toBe(false);
    const input = document.createElement("input");
    const area = document.createElement("textarea");
    expect(isLogShortcut(key({ target: input }))).toBe(false);
    expect(isLogShortcut(key({ target: area }))).toBe(false);
  });

  it("lets the author edit until the server's lock time only", () => {
    const entry = { author: { subject: "user_ada", name: "Ada", role: null, station: "THERMAL" }, locked_at: "2026-12-02T10:15:00Z" };
    const before = Date.parse("2026-12-02T10:14:59Z");
    expect(canEdit(me(["operate"]), entry, before)).toBe(true);
    expect(canEdit(me(["operate"]), entry, Date.parse("2026-12-02T10:15:00Z"))).toBe(false);
    expect(canEdit({ subject: "user_bob" }, entry, before)).toBe(false);
    expect(canEdit(null, entry, before)).toBe(false);
  });
});

describe("LogComposer", () => {
  beforeEach(() => create.mockClear());

  it("shows an operator the form when open, with Log disabled until there is text", () => {
    renderWith(me(["read", "operate"]), <LogComposer open onClose={() => {}} />);
    expect(screen.getByRole("form", { name: "Operator log" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Log" })).toBeDisabled();
    expect(screen.getByText("stamped now")).toBeInTheDocument();
  });

  it("shows a viewer nothing, even open", () => {
    const { container } = renderWith(me(["read"]), <LogComposer open onClose={() => {}} />);
    expect(container).toBeEmptyDOMElement();
  });

  it("L opens it, Enter posts with the range's stamp, and it closes", async () => {
    const from = Date.UTC(2026, 11, 2, 10, 5);
    const to = Date.UTC(2026, 11, 2, 10, 20);
    renderWith(me(["read", "operate"]), <LogControls range={{ from, to }} />);
    expect(screen.queryByRole("form", { name: "Operator log" })).toBeNull();
    fireEvent.keyDown(window, { key: "l" });
    const text = await screen.findByRole("textbox", { name: "Log entry" });
    expect(text).toHaveFocus();
    fireEvent.change(text, { target: { value: "Traverse paused at waypoint 4" } });
    fireEvent.keyDown(text, { key: "Enter" });
    await waitFor(() => expect(create).toHaveBeenCalledTimes(1));
    expect(create).toHaveBeenCalledWith({
      body: "Traverse paused at waypoint 4",
      tags: [],
      at: "2026-12-02T10:20:00.000Z",
      range: { from: "2026-12-02T10:05:00.000Z", to: "2026-12-02T10:20:00.000Z" },
    });
    await waitFor(() => expect(screen.queryByRole("form", { name: "Operator log" })).toBeNull());
  });

  it("Escape closes it without posting; a viewer's L opens nothing", async () => {
    renderWith(me(["read", "operate"]), <LogControls />);
    fireEvent.keyDown(window, { key: "L" });
    const text = await screen.findByRole("textbox", { name: "Log entry" });
    fireEvent.change(text, { target: { value: "draft" } });
    fireEvent.keyDown(text, { key: "Escape" });
    expect(screen.queryByRole("form", { name: "Operator log" })).toBeNull();
    expect(create).not.toHaveBeenCalled();
  });

  it("gives a viewer the log to read and no way to write", () => {
    renderWith(me(["read"]), <LogControls />);
    fireEvent.keyDown(window, { key: "l" });
    expect(screen.queryByRole("form", { name: "Operator log" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Write log/ })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Log" }));
    expect(screen.getByRole("dialog", { name: "Operator log" })).toBeInTheDocument();
  });
});
