/**
 * One EventSource per tab to the dashboard stream. Before each (re)open it
 * checks the session with GET /auth/me (an EventSource cannot tell a 401 from
 * a network blip), then resumes from the last event id it saw. Retries back
 * off with jitter; after OFFLINE_AFTER_MS of failures the state is "offline"
 * (the last data stays on screen, with its age).
 */
import type { TelemetryPayload } from "@chiron/api-client";
import { browserApi, loadApi } from "../api-loader";
import { log } from "../browser-log";
import { HttpError } from "../http";
import type { SafeResult } from "../validate";
import { backoffDelay, OFFLINE_AFTER_MS } from "./backoff";
import { compareEventIds } from "./transforms";
import { defaultTimers, type Timers } from "./sample-buffer";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "offline";

export type StreamState = {
  status: StreamStatus;
  /** Resume cursor: the last bus id applied. */
  lastEventId: string | null;
  /** When the last event (or the open) was seen, epoch ms. */
  lastEventAt: number | null;
  /** Consecutive failed attempts. */
  attempt: number;
  /** When the next attempt runs, epoch ms. */
  retryAt: number | null;
  /** Start of the current failure streak, epoch ms. */
  failingSince: number | null;
};

export type EventSourceLike = {
  addEventListener(type: string, listener: (ev: MessageEvent<string>) => void): void;
  close(): void;
};

export type AuthCheck = "ok" | "unauthorized" | "error";

export const STREAM_EVENTS = ["samples", "gate", "metric", "alarm", "timeline", "log", "poll", "resync"] as const;

/** Checks one frame's JSON against the generated TelemetryPayload schema. */
export type PayloadCheck = (data: unknown) => SafeResult<TelemetryPayload>;

/** zod and the schemas arrive on first use (see api-loader.ts), here before the first open. */
const loadPayloadCheck = (): Promise<PayloadCheck> => loadApi().then((v) => (data) => v.safeValidate("zTelemetryPayload", data));

/** GET /auth/me through the SDK: an EventSource cannot tell a 401 from a network blip, this can. */
export async function checkSession(): Promise<AuthCheck> {
  try {
    const { sdk, client } = await browserApi();
    await sdk.authMe({ client, throwOnError: true });
    return "ok";
  } catch (error) {
    return error instanceof HttpError && (error.status === 401 || error.status === 403) ? "unauthorized" : "error";
  }
}

export type StreamManagerDeps = Partial<Timers> & {
  /** Opens the connection (default: the browser's EventSource, with the session cookie). */
  createEventSource?: (url: string) => EventSourceLike;
  /** GET /auth/me: ok, unauthorized (go to /login) or error (retry). Default: checkSession. */
  checkAuth?: () => Promise<AuthCheck>;
  /** Applies a validated payload (cache writes). */
  onPayload: (payload: TelemetryPayload, id: string | null) => void;
  /** The session is gone. */
  onUnauthorized: () => void;
  /** Loads the payload validator (default: the generated zod schema). */
  loadCheck?: () => Promise<PayloadCheck>;
  /** Stream URL for a resume cursor. */
  url?: (lastEventId: string | null) => string;
  now?: () => number;
  random?: () => number;
  offlineAfterMs?: number;
};

/**
 * The web app's one hand-written API path. The stream is read with the browser's EventSource,
 * which takes a URL: the generated SDK's SSE client (fetch-based, with its own retry loop) would
 * take over what this manager owns — the session check before each open, the resume cursor,
 * the backoff and the offline budget.
 */
export const streamUrl = (lastEventId: string | null) =>
  `/api/v1/dashboard/stream${lastEventId ? `?last_event_id=${encodeURIComponent(lastEventId)}` : ""}`;

const browserEventSource = (url: string): EventSourceLike => new EventSource(url, { withCredentials: true });

export class StreamManager {
  private state: StreamState;
  private readonly listeners = new Set<() => void>();
  private source: EventSourceLike | null = null;
  private retryTimer: unknown = null;
  private offlineTimer: unknown = null;
  private running = false;
  private generation = 0;
  private check: PayloadCheck | null = null;
  private readonly d: Required<Omit<StreamManagerDeps, keyof Timers>> & Timers;

  constructor(deps: StreamManagerDeps) {
    this.d = {
      createEventSource: browserEventSource,
      checkAuth: checkSession,
      url: streamUrl,
      loadCheck: loadPayloadCheck,
      now: () => Date.now(),
      random: Math.random,
      offlineAfterMs: OFFLINE_AFTER_MS,
      ...defaultTimers,
      ...deps,
    };
    this.state = { status: "connecting", lastEventId: null, lastEventAt: null, attempt: 0, retryAt: null, failingSince: null };
  }

  getState = (): StreamState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Starts from the snapshot's cursor (summary.last_event_id). */
  start(lastEventId: string | null): void {
    if (this.running) return;
    this.running = true;
    this.set({ lastEventId, status: "connecting" });
    void this.connect();
  }

  stop(): void {
    this.running = false;
    this.generation += 1;
    this.closeSource();
    this.clearTimers();
  }

  /** Skip the wait (browser came back online, tab became visible, operator asked). */
  retryNow(): void {
    if (!this.running || this.state.status === "live") return;
    this.clearTimers();
    void this.connect();
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    this.closeSource();
    let auth: AuthCheck;
    try {
      [auth, this.check] = await Promise.all([this.d.checkAuth(), this.check ?? this.d.loadCheck()]);
    } catch {
      auth = "error";
    }
    if (gen !== this.generation || !this.running) return;
    if (auth === "unauthorized") {
      this.stop();
      this.d.onUnauthorized();
      return;
    }
    if (auth === "error") {
      this.fail();
      return;
    }

    const es = this.d.createEventSource(this.d.url(this.state.lastEventId));
    this.source = es;
    es.addEventListener("open", () => {
      if (gen !== this.generation) return;
      this.clearTimers();
      this.set({ status: "live", attempt: 0, retryAt: null, failingSince: null, lastEventAt: this.d.now() });
    });
    es.addEventListener("error", () => {
      if (gen !== this.generation) return;
      // We own reconnection (auth check + our cursor), so stop the browser's own retry loop.
      this.closeSource();
      this.fail();
    });
    for (const type of STREAM_EVENTS) {
      es.addEventListener(type, (ev) => gen === this.generation && this.handle(ev));
    }
  }

  private handle(ev: MessageEvent<string>): void {
    const id = ev.lastEventId || null;
    if (id && this.state.lastEventId && compareEventIds(id, this.state.lastEventId) <= 0) return; // already applied
    let payload: TelemetryPayload;
    try {
      const parsed = this.check!(JSON.parse(ev.data));
      if (!parsed.success) {
        console.warn("chiron stream: dropped an invalid payload", parsed.issues);
        log.warn("stream: dropped an invalid payload", { "chiron.stream.event": ev.type, "chiron.issues": JSON.stringify(parsed.issues).slice(0, 500) });
        return;
      }
      payload = parsed.data;
    } catch {
      console.warn("chiron stream: dropped a non-JSON payload");
      log.warn("stream: dropped a non-JSON payload", { "chiron.stream.event": ev.type });
      return;
    }
    this.d.onPayload(payload, id);
    this.set({
      lastEventId: id ?? this.state.lastEventId,
      lastEventAt: this.d.now(),
      status: "live",
      attempt: 0,
      failingSince: null,
      retryAt: null,
    });
  }

  private fail(): void {
    const now = this.d.now();
    const failingSince = this.state.failingSince ?? now;
    const attempt = this.state.attempt + 1;
    const delay = backoffDelay(attempt - 1, { random: this.d.random });
    const offline = now - failingSince >= this.d.offlineAfterMs;
    this.set({ status: offline ? "offline" : "reconnecting", attempt, failingSince, retryAt: now + delay });
    this.clearTimers();
    this.retryTimer = this.d.setTimeout(() => void this.connect(), delay);
    if (!offline) {
      this.offlineTimer = this.d.setTimeout(() => {
        if (this.state.status === "reconnecting") this.set({ status: "offline" });
      }, failingSince + this.d.offlineAfterMs - now);
    }
  }

  private closeSource(): void {
    this.source?.close();
    this.source = null;
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) this.d.clearTimeout(this.retryTimer);
    if (this.offlineTimer !== null) this.d.clearTimeout(this.offlineTimer);
    this.retryTimer = null;
    this.offlineTimer = null;
  }

  private set(patch: Partial<StreamState>): void {
    this.state = { ...this.state, ...patch };
    this.listeners.forEach((l) => l());
  }
}
