"use client";
/** A ticking clock; starts from a server-provided instant so the first render hydrates cleanly. */
import { useEffect, useState } from "react";

export function useNow(initial: number, intervalMs = 1000): number {
  const [now, setNow] = useState(initial);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
