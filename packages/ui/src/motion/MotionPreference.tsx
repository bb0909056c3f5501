"use client";
/**
 * One switch for every animation: off when the operator's toggle is off or the
 * system asks for reduced motion. Exposes `data-motion="on|off"` on <html> so
 * CSS animations (aurora, grain, LIVE dot) stop with the JS ones.
 */
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from "react";

const QUERY = "(prefers-reduced-motion: reduce)";

/**
 * One MediaQueryList per page, not one per call: every animated chart reads this on every render
 * (useSyncExternalStore calls getSnapshot more than once per render), and `matchMedia()` builds
 * and evaluates a new list each time. It showed as ~1 % of the main thread with 20 live charts.
 * Keyed by the function so a replaced `window.matchMedia` (tests) gets a fresh list.
 */
let cached: { matchMedia: Window["matchMedia"]; mql: MediaQueryList } | null = null;
function reducedMotionQuery(): MediaQueryList | null {
  if (typeof window === "undefined" || !window.matchMedia) return null;
  // The function is kept only as an identity key, never called unbound.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  if (cached?.matchMedia !== window.matchMedia) cached = { matchMedia: window.matchMedia, mql: window.matchMedia(QUERY) };
  return cached.mql;
}

function subscribe(onChange: () => void) {
  const mql = reducedMotionQuery();
  if (!mql) return () => {};
  mql.addEventListener("change", onChange);
  return () => mql.removeEventListener("change", onChange);
}

const getReduced = () => reducedMotionQuery()?.matches ?? false;
const getServerReduced = () => false;

/** True when the OS/browser asks for reduced motion. */
export function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(subscribe, getReduced, getServerReduced);
}

type MotionState = { enabled: boolean; reducedMotion: boolean; userEnabled: boolean };
const MotionContext = createContext<MotionState | null>(null);

export type MotionPreferenceProviderProps = {
  /** The operator's animations toggle. */
  enabled?: boolean;
  /** Write data-motion onto document.documentElement (default true). */
  syncRootAttribute?: boolean;
  children: ReactNode;
};

export function MotionPreferenceProvider({ enabled = true, syncRootAttribute = true, children }: MotionPreferenceProviderProps) {
  const reducedMotion = usePrefersReducedMotion();
  const on = enabled && !reducedMotion;
  const value = useMemo(() => ({ enabled: on, reducedMotion, userEnabled: enabled }), [on, reducedMotion, enabled]);

  useEffect(() => {
    if (!syncRootAttribute) return;
    document.documentElement.dataset.motion = on ? "on" : "off";
  }, [on, syncRootAttribute]);

  return (
    <MotionContext.Provider value={value}>
      {children}
    </MotionContext.Provider>
  );
}

/** Whether components may animate; without a provider, follows prefers-reduced-motion. */
export function useMotionEnabled(): boolean {
  const ctx = useContext(MotionContext);
  const reduced = usePrefersReducedMotion();
  return ctx ? ctx.enabled : !reduced;
}

/** The full preference state (for toggles that need to say why motion is off). */
export function useMotionPreference(): MotionState {
  const ctx = useContext(MotionContext);
  const reduced = usePrefersReducedMotion();
  return ctx ?? { enabled: !reduced, reducedMotion: reduced, userEnabled: true };
}
