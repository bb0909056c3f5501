"use client";
/**
 * `value` while `hold` is false; while it is true, the value it had when holding began. The pause
 * of a live view: the cache keeps taking the stream's events (nothing is dropped), the screen
 * keeps drawing the instant it was paused at, and releasing draws everything that came.
 */
import { useState } from "react";

export function useHeld<T>(value: T, hold: boolean): T {
  const [held, setHeld] = useState(value);
  // React's "storing information from previous renders": no effect, no extra frame.
  if (!hold && held !== value) setHeld(value);
  return hold ? held : value;
}
