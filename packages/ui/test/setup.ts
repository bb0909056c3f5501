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

afterEach(() => {
  cleanup();
  setReducedMotion(false);
  delete document.documentElement.dataset.motion;
});

// axe probes canvas for colour contrast; jsdom has none, so answer "unsupported" quietly.
HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement["getContext"];
