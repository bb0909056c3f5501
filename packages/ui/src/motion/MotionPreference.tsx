"use client";
/**
 * One switch for every animation: off when the operator's toggle is off or the
 * system asks for reduced motion. Exposes `data-motion="on|off"` on <html> so
 * CSS animations (aurora, grain, LIVE dot) stop with the JS ones.
 */
import { MotionConfig } from "motion/react";
import { createContext, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from "react";

const QUERY = "(prefers-reduced-motion: reduce)";

function subscribe(onChange: () => void) {
  if (typeof window === "undefined" || !window.matchMedia) return () => {};
  const mql = window.matchMedia(QUERY);
  mql.addEventListener("change", onChange);
  return () => mql.removeEventListener("change", onChange);
}

/** True when the OS/browser asks for reduced motion. */
export function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => (typeof window !== "undefined" && window.matchMedia ? window.matchMedia(QUERY).matches : false),
    () => false,
  );
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
      <MotionConfig reducedMotion={on ? "never" : "always"}>{children}</MotionConfig>
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
