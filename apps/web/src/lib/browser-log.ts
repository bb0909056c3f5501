/**
 * Browser logger: uncaught errors, unhandled rejections and explicit
 * `log.warn` / `log.error` calls are queued and shipped in batches to the web
 * server's POST /otel/logs, which forwards them to the collector. Nothing here
 * blocks the UI: calls only enqueue, sending happens on a timer with
 * `keepalive`, and a bounded queue drops its oldest records while offline.
 */

export type LogLevel = "info" | "warn" | "error";
export type LogAttributes = Record<string, string | number | boolean>;

export type BrowserLogRecord = {
  ts: number;
  level: LogLevel;
  message: string;
  kind?: "error" | "unhandledrejection" | "log";
  stack?: string;
  url?: string;
  attributes?: LogAttributes;
};

export type BrowserLoggerOptions = {
  /** Where batches go (same origin). */
  endpoint?: string;
  /** Records kept while they cannot be sent; the oldest go first. */
  maxQueue?: number;
  /** Records per request (the route accepts up to 50). */
  maxBatch?: number;
  /** Wait after the first queued record before sending, ms. */
  flushDelayMs?: number;
  /** Wait after a failed send, ms (doubles up to 60 s). */
  retryDelayMs?: number;
  /** Sends one batch body; resolves true when the server took it. */
  send?: (body: string) => Promise<boolean>;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
  /** False while the browser says it is offline. */
  isOnline?: () => boolean;
  /** Current page URL for each record. */
  location?: () => string;
};

const MAX_TEXT = 4000;
const MAX_RETRY_MS = 60_000;

const clip = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);

function describe(value: unknown): { message: string; stack?: string } {
  if (value instanceof Error) return { message: clip(`${value.name}: ${value.message}`), stack: value.stack ? clip(value.stack) : undefined };
  if (typeof value === "string") return { message: clip(value) };
  try {
    return { message: clip(JSON.stringify(value) ?? String(value)) };
  } catch {
    return { message: clip(String(value)) };
  }
}

export function defaultSend(endpoint: string): (body: string) => Promise<boolean> {
  return (body) =>
    fetch(endpoint, { method: "POST", body, keepalive: true, headers: { "content-type": "application/json" } }).then(
      (res) => res.ok || res.status === 400 || res.status === 413, // the server will never take a bad batch: drop it
      () => false,
    );
}

export class BrowserLogger {
  private queue: BrowserLogRecord[] = [];
  private dropped = 0;
  private timer: unknown = null;
  private sending = false;
  private retryMs: number;
  private readonly o: Required<BrowserLoggerOptions>;

  constructor(options: BrowserLoggerOptions = {}) {
    const endpoint = options.endpoint ?? "/otel/logs";
    this.o = {
      endpoint,
      maxQueue: 200,
      maxBatch: 25,
      flushDelayMs: 2000,
      retryDelayMs: 5000,
      send: defaultSend(endpoint),
      now: () => Date.now(),
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
      isOnline: () => typeof navigator === "undefined" || navigator.onLine !== false,
      location: () => (typeof window === "undefined" ? "" : window.location.href),
      ...options,
    };
    this.retryMs = this.o.retryDelayMs;
  }

  /** Records waiting to be sent (for tests and the debug console). */
  get pending(): readonly BrowserLogRecord[] {
    return this.queue;
  }

  /** Records dropped because the queue was full, since the last successful send. */
  get droppedCount(): number {
    return this.dropped;
  }

  info(message: string, attributes?: LogAttributes): void {
    this.add({ level: "info", kind: "log", ...describe(message), attributes });
  }

  warn(message: unknown, attributes?: LogAttributes): void {
    this.add({ level: "warn", kind: "log", ...describe(message), attributes });
  }

  error(message: unknown, attributes?: LogAttributes): void {
    this.add({ level: "error", kind: "log", ...describe(message), attributes });
  }

  /** Captures uncaught errors and unhandled rejections; flushes when the tab is hidden or comes back online. */
  install(target: Window = window): () => void {
    const onError = (ev: ErrorEvent) =>
      this.add({
        level: "error",
        kind: "error",
        ...describe(ev.error ?? ev.message),
        attributes: ev.filename ? { "code.filepath": ev.filename, "code.lineno": ev.lineno, "code.column": ev.colno } : undefined,
      });
    const onRejection = (ev: PromiseRejectionEvent) => this.add({ level: "error", kind: "unhandledrejection", ...describe(ev.reason) });
    const onOnline = () => this.flushSoon(0);
    const onHidden = () => {
      if (target.document.visibilityState === "hidden") void this.flush();
    };
    target.addEventListener("error", onError);
    target.addEventListener("unhandledrejection", onRejection);
    target.addEventListener("online", onOnline);
    target.document.addEventListener("visibilitychange", onHidden);
    return () => {
      target.removeEventListener("error", onError);
      target.removeEventListener("unhandledrejection", onRejection);
      target.removeEventListener("online", onOnline);
      target.document.removeEventListener("visibilitychange", onHidden);
    };
  }

  /** Sends the queue now, one batch at a time (if online and not already sending). */
  async flush(): Promise<void> {
    this.clearTimer();
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length && this.o.isOnline()) {
        if (!(await this.sendBatch())) {
          this.sending = false;
          this.flushSoon(this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
          return;
        }
      }
    } finally {
      this.sending = false;
    }
    // Offline: the "online" event flushes.
  }

  private async sendBatch(): Promise<boolean> {
    const batch = this.queue.splice(0, this.o.maxBatch);
    const dropped = this.dropped;
    const records = dropped ? batch.map((r, i) => (i === 0 ? { ...r, attributes: { ...r.attributes, "chiron.log.dropped": dropped } } : r)) : batch;
    const ok = await this.o.send(JSON.stringify({ records })).catch(() => false);
    if (ok) {
      this.dropped -= dropped;
      this.retryMs = this.o.retryDelayMs;
      return true;
    }
    // Put the batch back in front; whatever no longer fits is the oldest and goes.
    this.queue = batch.concat(this.queue);
    this.trim();
    return false;
  }

  private add(rec: Omit<BrowserLogRecord, "ts" | "url">): void {
    try {
      this.queue.push({ ts: this.o.now(), url: this.o.location(), ...rec });
      this.trim();
      this.flushSoon(this.o.flushDelayMs);
    } catch {
      // a logger must never throw into the code that called it
    }
  }

  private trim(): void {
    const over = this.queue.length - this.o.maxQueue;
    if (over > 0) {
      this.queue.splice(0, over);
      this.dropped += over;
    }
  }

  private flushSoon(ms: number): void {
    if (this.timer !== null || this.sending) return;
    this.timer = this.o.setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.o.clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The tab's logger. */
export const log = new BrowserLogger();
