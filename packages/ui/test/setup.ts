/** Test environment: jest-dom + axe matchers, and a controllable matchMedia (jsdom has none). */
import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach, expect } from "vitest";
import * as axeMatchers from "vitest-axe/matchers";

expect.extend(axeMatchers);

let reduced = false;
const listeners = new Set<() => void>();

/** Flip prefers-reduced-motion for the next render. */
export function setReducedMotion(value: boolean) {
  reduced = value;
  listeners.forEach((l) => l());
}

Object.defineProperty(window, "matchMedia", {
  writable: true,
  value: (query: string) => ({
    get matches() {
      return query.includes("prefers-reduced-motion") ? reduced : false;
    },
    media: query,
    onchange: null,
    addEventListener: (_: string, cb: () => void) => listeners.add(cb),
    removeEventListener: (_: string, cb: () => void) => listeners.delete(cb),
    addListener: (cb: () => void) => listeners.add(cb),
    removeListener: (cb: () => void) => listeners.delete(cb),
    dispatchEvent: () => false,
  }),
});

/** Real time passing (the frame clock runs on real animation frames in jsdom). */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Hide or show the page, as a browser tab switch does. */
export function setHidden(hidden: boolean) {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
  document.dispatchEvent(new Event("visibilitychange"));
}

afterEach(() => {
  cleanup();
  setReducedMotion(false);
  if (document.visibilityState === "hidden") setHidden(false);
  delete document.documentElement.dataset.motion;
});

// axe probes canvas for colour contrast; jsdom has none, so answer "unsupported" quietly.
HTMLCanvasElement.prototype.getContext = () => null;
