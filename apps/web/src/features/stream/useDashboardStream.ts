"use client";
/** Starts the tab's single StreamManager once the snapshot's cursor is known, and exposes its state. */
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useSyncExternalStore } from "react";
import { createCacheSink } from "@/lib/stream/cache-sink";
import { OFFLINE_AFTER_MS } from "@/lib/stream/backoff";
import { StreamManager, type StreamState } from "@/lib/stream/manager";

let tabManager: StreamManager | null = null;

const initial: StreamState = { status: "connecting", lastEventId: null, lastEventAt: null, attempt: 0, retryAt: null, failingSince: null };

/**
 * Test hook: `/?offlineAfterMs=3000` shortens the offline budget (the e2e suite uses it so
 * RECONNECTING -> OFFLINE does not take 20 s). Only ever shortens, never below 1 s.
 */
function offlineBudgetOverride(): { offlineAfterMs: number } | Record<string, never> {
  const v = Number(new URLSearchParams(window.location.search).get("offlineAfterMs"));
  return Number.isFinite(v) && v >= 1000 ? { offlineAfterMs: Math.min(v, OFFLINE_AFTER_MS) } : {};
}

export function useDashboardStream(cursor: string | null | undefined, enabled: boolean): StreamState {
  const qc = useQueryClient();
  const router = useRouter();

  useEffect(() => {
    if (!enabled || tabManager) return;
    const sink = createCacheSink(qc);
    const manager = new StreamManager({
      onPayload: sink,
      onUnauthorized: () => router.replace("/login"),
      ...offlineBudgetOverride(),
    });
    tabManager = manager;
    manager.start(cursor ?? null);
    const wake = () => manager.retryNow();
    const onVisible = () => document.visibilityState === "visible" && wake();
    window.addEventListener("online", wake);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.removeEventListener("online", wake);
      document.removeEventListener("visibilitychange", onVisible);
      manager.stop();
      sink.dispose();
      tabManager = null;
    };
    // The cursor only seeds the first open; afterwards the manager tracks its own.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, qc, router]);

  return useSyncExternalStore(
    (cb) => (tabManager ? tabManager.subscribe(cb) : () => {}),
    () => tabManager?.getState() ?? initial,
    () => initial,
  );
}
