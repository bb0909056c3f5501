/**
 * The time conductor's state and its one reducer (Open MCT's real-time / fixed modes): pure, so
 * gates, charts and timeline all read one range and the reducer is tested without a browser.
 */

/** Live windows, following now. */
export const WINDOWS = ["15m", "1h", "6h", "24h"] as const;
export type LiveWindow = (typeof WINDOWS)[number];
export const DEFAULT_WINDOW: LiveWindow = "15m";

export const WINDOW_MS: Record<LiveWindow, number> = {
  "15m": 15 * 60_000,
  "1h": 60 * 60_000,
  "6h": 6 * 60 * 60_000,
  "24h": 24 * 60 * 60_000,
};

/** Shortest fixed range a brush can choose (a click is not a range). */
export const MIN_RANGE_MS = 10_000;

export type ConductorState =
  /** Follows now; `pausedAt` freezes the view at that instant while the stream keeps buffering. */
  | { mode: "live"; window: LiveWindow; pausedAt: number | null }
  /** A from–to range in epoch ms, from < to. */
  | { mode: "fixed"; from: number; to: number };

export type ConductorAction =
  | { type: "window"; window: LiveWindow }
  | { type: "range"; from: number; to: number }
  | { type: "pause"; now: number }
  | { type: "resume" }
  | { type: "now" };

export const LIVE_DEFAULT: ConductorState = { mode: "live", window: DEFAULT_WINDOW, pausedAt: null };

export function conductorReducer(state: ConductorState, action: ConductorAction): ConductorState {
  switch (action.type) {
    case "window":
      // Choosing a window is choosing to follow now again.
      return { mode: "live", window: action.window, pausedAt: null };
    case "range": {
      const from = Math.min(action.from, action.to);
      const to = Math.max(action.from, action.to);
      if (!Number.isFinite(from) || !Number.isFinite(to) || to - from < MIN_RANGE_MS) return state;
      return { mode: "fixed", from, to };
    }
    case "pause":
      if (state.mode !== "live" || state.pausedAt !== null) return state;
      return { ...state, pausedAt: action.now };
    case "resume":
      if (state.mode !== "live" || state.pausedAt === null) return state;
      return { ...state, pausedAt: null };
    case "now":
      // Jump to now: live again, in the window last followed (the default from a fixed range).
      if (state.mode === "live") return state.pausedAt === null ? state : { ...state, pausedAt: null };
      return { mode: "live", window: closestWindow(state.to - state.from), pausedAt: null };
  }
}

/** The window nearest a fixed range's length, so "now" keeps roughly the same zoom. */
export function closestWindow(spanMs: number): LiveWindow {
  let best: LiveWindow = DEFAULT_WINDOW;
  for (const w of WINDOWS) if (Math.abs(WINDOW_MS[w] - spanMs) < Math.abs(WINDOW_MS[best] - spanMs)) best = w;
  return best;
}

export type TimeRange = {
  from: number;
  to: number;
  /** Follows now (live and not paused): the stream's updates are drawn. */
  following: boolean;
  mode: ConductorState["mode"];
};

/** The range every band draws at `now`. */
export function rangeOf(state: ConductorState, now: number): TimeRange {
  if (state.mode === "fixed") return { from: state.from, to: state.to, following: false, mode: "fixed" };
  const to = state.pausedAt ?? now;
  return { from: to - WINDOW_MS[state.window], to, following: state.pausedAt === null, mode: "live" };
}
