"use client";
/** The conductor's state for the page, mirrored into the URL so a link shows the same view. */
import { useEffect, useReducer, useState } from "react";
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
  const [state, dispatch] = useReducer(conductorReducer, init.state);
  const [notice, setNotice] = useState(init.notice);
  useEffect(() => {
    const url = new URL(window.location.href);
    const next = writeConductor(state, url.searchParams).toString();
    if (next === url.searchParams.toString()) return;
    window.history.replaceState(window.history.state, "", `${url.pathname}${next ? `?${next}` : ""}${url.hash}`);
  }, [state]);
  return { state, dispatch, notice, dismissNotice: () => setNotice(null) };
}
