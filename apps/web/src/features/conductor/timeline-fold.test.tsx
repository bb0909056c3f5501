/** The timeline's filters fold behind one "Filter" disclosure: folded by default, it says how many
 * filters are in force, opens and closes by keyboard, and starts open when the view is filtered. */
import { fireEvent, render, screen } from "@testing-library/react";
import { TimelineTools } from "./TimelineTools";
import { NO_FILTERS, type TimelineFilters, type TimelineView } from "./useTimelineView";

const view = (filters: TimelineFilters): TimelineView => ({
  events: [],
  query: {},
  filters,
  setFilters: () => {},
  hasOlder: false,
  loadOlder: () => {},
  loadingOlder: false,
  loading: false,
});

const toggle = () => screen.getByRole("button", { name: /^Filter/ });

test("folded by default: one Filter button, the filters hidden, the CSV link still there", () => {
  render(<TimelineTools view={view(NO_FILTERS)} gates={["bus"]} sources={["rover-1"]} />);
  expect(toggle()).toHaveAttribute("aria-expanded", "false");
  expect(toggle()).toHaveAccessibleName("Filter");
  expect(screen.queryByRole("form", { name: "Timeline filters" })).toBeNull();
  expect(screen.getByRole("link", { name: "Download CSV" })).toBeVisible();
});

test("a button, so Enter and Space open it; the filters show; pressing again folds them", () => {
  render(<TimelineTools view={view(NO_FILTERS)} gates={["bus"]} sources={["rover-1"]} />);
  expect(toggle().tagName).toBe("BUTTON");
  fireEvent.click(toggle());
  expect(toggle()).toHaveAttribute("aria-expanded", "true");
  const form = screen.getByRole("form", { name: "Timeline filters" });
  expect(form).toBeVisible();
  expect(screen.getByRole("checkbox", { name: "gate transition" })).toBeVisible();
  fireEvent.click(toggle());
  expect(toggle()).toHaveAttribute("aria-expanded", "false");
  expect(screen.queryByRole("form", { name: "Timeline filters" })).toBeNull();
});

test("a filtered view starts open, and the button counts the filters in force", () => {
  const filters: TimelineFilters = { kind: ["stale", "deploy"], severity: ["critical"], gate: "", source: "rover-1", q: " " };
  render(<TimelineTools view={view(filters)} gates={["bus"]} sources={["rover-1"]} />);
  expect(toggle()).toHaveAttribute("aria-expanded", "true");
  expect(toggle()).toHaveAccessibleName("Filter · 4 on");
  fireEvent.click(toggle());
  expect(toggle()).toHaveAccessibleName("Filter · 4 on");
});
