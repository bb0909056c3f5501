import { BrowserLogger, type BrowserLogRecord } from "./browser-log";

type Sent = { records: BrowserLogRecord[] };

function setup(options: { ok?: () => boolean; online?: () => boolean; maxQueue?: number } = {}) {
  const sent: Sent[] = [];
  const send = vi.fn((body: string) => {
    sent.push(JSON.parse(body) as Sent);
    return Promise.resolve(options.ok ? options.ok() : true);
  });
  const logger = new BrowserLogger({
    send,
    flushDelayMs: 1000,
    retryDelayMs: 2000,
    maxBatch: 3,
    maxQueue: options.maxQueue ?? 5,
    isOnline: options.online ?? (() => true),
    location: () => "http://web/",
  });
  return { logger, send, sent };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.UTC(2025, 5, 1, 14, 0, 0));
});
afterEach(() => vi.useRealTimers());

describe("BrowserLogger", () => {
  it("batches explicit calls and sends them after the flush delay, never synchronously", async () => {
    const { logger, send, sent } = setup();
    logger.warn("stream payload dropped", { reason: "invalid" });
    logger.error(new TypeError("boom"));
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(999);
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(1);
    expect(sent[0]!.records).toMatchObject([
      { level: "warn", kind: "log", message: "stream payload dropped", attributes: { reason: "invalid" }, url: "http://web/" },
      { level: "error", kind: "log", message: "TypeError: boom" },
    ]);
    expect(sent[0]!.records[1]!.stack).toContain("TypeError: boom");
    expect(logger.pending).toHaveLength(0);
  });

  it("sends in batches of maxBatch until the queue is empty", async () => {
    const { logger, sent } = setup();
    for (let i = 0; i < 5; i++) logger.warn(`w${i}`);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.map((b) => b.records.map((r) => r.message))).toEqual([
      ["w0", "w1", "w2"],
      ["w3", "w4"],
    ]);
  });

  it("keeps a bounded queue while sends fail, dropping the oldest, and reports the drop count once back", async () => {
    let up = false;
    const { logger, sent } = setup({ ok: () => up });
    for (let i = 0; i < 4; i++) logger.error(`e${i}`);
    await vi.advanceTimersByTimeAsync(1000); // first attempt fails, batch goes back
    expect(logger.pending.map((r) => r.message)).toEqual(["e0", "e1", "e2", "e3"]);
    for (let i = 4; i < 8; i++) logger.error(`e${i}`);
    expect(logger.pending).toHaveLength(5);
    expect(logger.pending[0]!.message).toBe("e3");
    expect(logger.droppedCount).toBe(3);

    up = true;
    await vi.advanceTimersByTimeAsync(2000); // retry after the backoff
    const delivered = sent.slice(1).flatMap((b) => b.records);
    expect(delivered.map((r) => r.message)).toEqual(["e3", "e4", "e5", "e6", "e7"]);
    expect(delivered[0]!.attributes).toEqual({ "chiron.log.dropped": 3 });
    expect(logger.droppedCount).toBe(0);
  });

  it("backs off between failed attempts", async () => {
    const { logger, send } = setup({ ok: () => false });
    logger.warn("x");
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(send).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3999);
    expect(send).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(3);
  });

  it("does not send while offline and flushes on the online event", async () => {
    let online = false;
    const { logger, send } = setup({ online: () => online });
    const uninstall = logger.install(window);
    logger.warn("while offline");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(send).not.toHaveBeenCalled();
    online = true;
    window.dispatchEvent(new Event("online"));
    await vi.advanceTimersByTimeAsync(0);
    expect(send).toHaveBeenCalledTimes(1);
    uninstall();
  });

  it("captures uncaught errors and unhandled rejections", async () => {
    const { logger, sent } = setup();
    const uninstall = logger.install(window);
    window.dispatchEvent(new ErrorEvent("error", { error: new Error("kaput"), message: "kaput", filename: "app.js", lineno: 3, colno: 7 }));
    const rejection = new Event("unhandledrejection") as PromiseRejectionEvent;
    Object.defineProperty(rejection, "reason", { value: "nope" });
    window.dispatchEvent(rejection);
    uninstall();
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent[0]!.records).toMatchObject([
      { kind: "error", level: "error", message: "Error: kaput", attributes: { "code.filepath": "app.js", "code.lineno": 3 } },
      { kind: "unhandledrejection", level: "error", message: "nope" },
    ]);
  });
});
