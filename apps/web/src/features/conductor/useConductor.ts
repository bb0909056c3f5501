"use client";
/** The conductor's state for the page, mirrored into the URL so a link shows the same view. */
import { startTransition, useCallback, useEffect, useReducer, useState } from "react";
import { conductorReducer, LIVE_DEFAULT, type ConductorAction, type ConductorState } from "./conductor-state";
import { writeConductor } from "./url-write";

export type ConductorInit = { state: ConductorState; notice: string | null };

export type Conductor = {
  state: ConductorState;
  dispatch: (a: ConductorAction) => void;
  /** Why the URL's range was not used (a bad value), until dismissed. */
  notice: string | null;
  dismissNotice: () => void;
};

export function useConductor(init: ConductorInit = { state: LIVE_DEFAULT, notice: null }): Conductor {
  const [state, update] = useReducer(conductorReducer, init.state);
  // A new window or range re-reads and redraws every metric (20 series over the day): rendered as
  // a transition, so React yields to the browser between cells instead of one long task. Pause
  // and resume stay urgent (the instant held is the one clicked).
  const dispatch = useCallback((a: ConductorAction) => {
    if (a.type === "pause" || a.type === "resume") update(a);
    else startTransition(() => update(a));
  }, []);
  const [notice, setNotice] = useState(init.notice);
  useEffect(() => {
    const url = new URL(window.location.href);
    const next = writeConductor(state, url.searchParams).toString();
    if (next === url.searchParams.toString()) return;
    window.history.replaceState(window.history.state, "", `${url.pathname}${next ? `?${next}` : ""}${url.hash}`);
  }, [state]);
  return { state, dispatch, notice, dismissNotice: () => setNotice(null) };
}
