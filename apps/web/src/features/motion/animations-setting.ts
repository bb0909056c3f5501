"use client";
/** The operator's animations toggle, persisted in localStorage and shared across tabs. */
import { useCallback, useSyncExternalStore } from "react";

import { ANIMATIONS_KEY } from "./motion-boot";

export { ANIMATIONS_KEY };
const EVENT = "chiron:animations";

function read(): boolean {
  try {
    return window.localStorage.getItem(ANIMATIONS_KEY) !== "off";
  } catch {
    return true;
  }
}

function subscribe(cb: () => void) {
  window.addEventListener("storage", cb);
  window.addEventListener(EVENT, cb);
  return () => {
    window.removeEventListener("storage", cb);
    window.removeEventListener(EVENT, cb);
  };
}

export function useAnimationsSetting(): [boolean, (on: boolean) => void] {
  const on = useSyncExternalStore(subscribe, read, () => true);
  const set = useCallback((next: boolean) => {
    try {
      window.localStorage.setItem(ANIMATIONS_KEY, next ? "on" : "off");
    } catch {
      // private mode: the toggle still works for this page
    }
    window.dispatchEvent(new Event(EVENT));
  }, []);
  return [on, set];
}
