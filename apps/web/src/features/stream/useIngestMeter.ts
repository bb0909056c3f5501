"use client";
/**
 * Samples per second from the summary's running total, and a 30-minute density trace built while
 * the page is open. Sampled once per clock tick (not on every stream flush): the rate is shown
 * per second anyway, and a new density array per flush would redraw the timeline 4 times a second.
 */
import type { DensityPoint } from "@chiron/ui";
import { useEffect, useRef, useState } from "react";

const BUCKET_MS = 30_000;
const KEEP_MS = 30 * 60_000;

export function useIngestMeter(total: number | undefined, now: number) {
  const history = useRef<{ t: number; total: number }[]>([]);
  const latest = useRef(total);
  const [meter, setMeter] = useState<{ rate: number | null; density: DensityPoint[] }>({ rate: null, density: [] });

  const ready = total !== undefined;

  // Declared first, so it runs before the tick below in the same commit.
  useEffect(() => {
    latest.current = total;
  }, [total]);

  useEffect(() => {
    const total = latest.current;
    if (total === undefined) return;
    const h = history.current;
    const last = h[h.length - 1];
    if (last && last.t === now && last.total === total) return;
    if (last && total < last.total) h.length = 0; // resync to a fresh snapshot
    h.push({ t: now, total });
    while (h.length > 2 && now - h[0]!.t > KEEP_MS) h.shift();
    const recent = h.filter((p) => now - p.t <= 10_000);
    const first = recent[0];
    const rate = first && now - first.t >= 2000 ? ((total - first.total) / (now - first.t)) * 1000 : null;
    const buckets = new Map<number, { min: number; max: number; t0: number; t1: number }>();
    for (const p of h) {
      const b = Math.floor(p.t / BUCKET_MS) * BUCKET_MS;
      const cur = buckets.get(b);
      if (!cur) buckets.set(b, { min: p.total, max: p.total, t0: p.t, t1: p.t });
      else Object.assign(cur, { max: p.total, t1: p.t });
    }
    const density = [...buckets.entries()]
      .filter(([, v]) => v.t1 > v.t0)
      .map(([b, v]) => ({ t: b + BUCKET_MS / 2, v: ((v.max - v.min) / (v.t1 - v.t0)) * 1000 }));
    setMeter({ rate, density });
  }, [now, ready]);

  return meter;
}
