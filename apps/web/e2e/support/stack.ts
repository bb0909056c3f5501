/**
 * The real stack for the e2e suite: the Chiron API (`chiron serve`) on a fresh
 * store and its own free port, and the built web app (`next start`) pointed at
 * it. Two stores, picked by E2E_STORE:
 *   sqlite   (default) a SQLite file in a temp dir + the in-process bus
 *   postgres a fresh database next to `test` on 127.0.0.1:5432 + Redis with a unique stream key
 * Every child runs in its own process group so stop() takes its children too
 * (next start forks next-server), and an exit hook kills whatever is left.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export type Store = "sqlite" | "postgres";

export const WEB_DIR = path.resolve(import.meta.dirname, "../..");
export const REPO = path.resolve(WEB_DIR, "../..");
export const API_DIR = path.join(REPO, "apps/api");
export const API_BIN = path.join(API_DIR, ".venv/bin");

const PG = { host: "127.0.0.1", port: "5432", user: "postgres" };
const REDIS_URL = process.env.E2E_REDIS_URL ?? "redis://127.0.0.1:6379/0";

export function storeFromEnv(): Store {
  const s = (process.env.E2E_STORE ?? "sqlite").toLowerCase();
  if (s !== "sqlite" && s !== "postgres") throw new Error(`E2E_STORE must be sqlite or postgres, not ${s}`);
  return s;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, what: string, timeoutMs: number, log: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it answered; see ${log}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms; see ${log}`);
}

/** Runs a command to completion without blocking the event loop (next start boots meanwhile). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, cwd, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(" ")} failed (${error.code ?? error.signal}):\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Kill a process group: TERM, then KILL after `graceMs`. Resolves when the leader has exited. */
async function killGroup(child: ChildProcess, graceMs: number, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
  // Stragglers in the group (next-server under next start).
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // none left
  }
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const c of live) {
      try {
        if (c.pid !== undefined) process.kill(-c.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  };
  process.on("exit", killAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

function spawnLogged(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, log: WriteStream): ChildProcess {
  installExitHook();
  const child = spawn(cmd, args, { env, cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

export type StackInfo = {
  store: Store;
  apiUrl: string;
  webUrl: string;
  apiKey: string;
  secretKey: string;
  logDir: string;
  /** The API's store (SQLAlchemy URL): bench/history_fill.py writes history straight into it. */
  databaseUrl: string;
};

export class Stack {
  readonly store: Store;
  readonly logDir: string;
  readonly workDir: string;
  readonly secretKey = `e2e-${randomBytes(24).toString("hex")}`;
  private apiPort = 0;
  private webPort = 0;
  private dbName: string | null = null;
  private streamKey: string | null = null;
  private api: ChildProcess | null = null;
  private web: ChildProcess | null = null;
  private apiStarts = 0;
  private apiKey = "";
  private readonly logs: WriteStream[] = [];

  constructor(store: Store, logDir: string) {
    this.store = store;
    this.logDir = logDir;
    mkdirSync(logDir, { recursive: true });
    this.workDir = mkdtempSync(path.join(tmpdir(), `chiron-e2e-${store}-`));
  }

  get apiUrl() {
    return `http://127.0.0.1:${this.apiPort}`;
  }
  get webUrl() {
    return `http://127.0.0.1:${this.webPort}`;
  }

  private apiEnv(): NodeJS.ProcessEnv {
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: process.env.LANG ?? "C.UTF-8",
      CHIRON_ENV: "development", // the mock issuer at /auth/dev/assertion
      CHIRON_SECRET_KEY: this.secretKey,
      CHIRON_SEED_ON_START: "false",
      CHIRON_LOG_FORMAT: "console",
      CHIRON_STALE_SWEEP_S: "1",
      // The specs ingest points a few minutes old (`buckets()`): a backfill, which the skew rule
      // (docs/clock-skew.md) would read as clocks minutes behind and put on the timeline.
      CHIRON_SKEW_WARN_S: "3600",
      OTEL_SDK_DISABLED: "true",
    };
    if (this.store === "sqlite") {
      env.CHIRON_DATABASE_URL = `sqlite+aiosqlite:///${path.join(this.workDir, "chiron.db")}`;
    } else {
      env.CHIRON_DATABASE_URL = `postgresql+asyncpg://${PG.user}@${PG.host}:${PG.port}/${this.dbName}`;
      env.CHIRON_REDIS_URL = REDIS_URL;
      env.CHIRON_STREAM_KEY = this.streamKey!;
    }
    return env as NodeJS.ProcessEnv;
  }

  private chiron(args: string[]): Promise<string> {
    return run(path.join(API_BIN, "chiron"), args, this.apiEnv(), this.workDir);
  }

  async start(): Promise<StackInfo> {
    if (!existsSync(path.join(API_BIN, "chiron"))) throw new Error(`${API_BIN}/chiron is missing: run \`make setup-api\``);
    if (!existsSync(path.join(WEB_DIR, ".next/BUILD_ID"))) throw new Error("apps/web is not built: run `pnpm turbo run build --filter web`");
    this.apiPort = Number(process.env.E2E_API_PORT) || (await freePort());
    this.webPort = Number(process.env.E2E_WEB_PORT) || (await freePort());
    // The web app boots while the store is prepared; it only needs the API per request.
    const results = await Promise.allSettled([this.prepareStore().then(() => this.startApi()), this.startWeb()]);
    for (const r of results) if (r.status === "rejected") throw r.reason;
    return this.info();
  }

  /** A fresh database at head and the suite's API key (ingest, read, admin) from the CLI. */
  private async prepareStore(): Promise<void> {
    if (this.store === "postgres") {
      const id = `${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
      this.dbName = `chiron_e2e_${id}`;
      this.streamKey = `telemetry:e2e:${id}`;
      await run("createdb", ["-h", PG.host, "-p", PG.port, "-U", PG.user, this.dbName], process.env, this.workDir);
    }
    await this.chiron(["db", "upgrade"]);
    const out = await this.chiron(["clients", "create", "e2e-suite", "--scope", "ingest", "--scope", "read", "--scope", "admin"]);
    const key = out.split("\n").map((l) => l.trim()).find((l) => l.startsWith("chiron_"));
    if (!key) throw new Error(`no key in \`chiron clients create\` output:\n${out}`);
    this.apiKey = key;
  }

  info(): StackInfo {
    return { store: this.store, apiUrl: this.apiUrl, webUrl: this.webUrl, apiKey: this.apiKey, secretKey: this.secretKey, logDir: this.logDir, databaseUrl: this.apiEnv().CHIRON_DATABASE_URL! };
  }

  private logStream(name: string): WriteStream {
    const s = createWriteStream(path.join(this.logDir, name), { flags: "a" });
    this.logs.push(s);
    return s;
  }

  /** Starts the API on the same port and store as before (used again after stopApi). */
  async startApi(): Promise<void> {
    if (this.api) return;
    this.apiStarts += 1;
    const logName = "api.log";
    const log = this.logStream(logName);
    log.write(`\n==== chiron serve (start #${this.apiStarts}) ${new Date().toISOString()}\n`);
    const child = spawnLogged(path.join(API_BIN, "chiron"), ["serve", "--host", "127.0.0.1", "--port", String(this.apiPort)], this.apiEnv(), this.workDir, log);
    this.api = child;
    child.once("exit", () => {
      if (this.api === child) this.api = null;
    });
    await waitFor(`${this.apiUrl}/healthz`, child, "chiron serve", 30_000, path.join(this.logDir, logName));
  }

  /** Stops the API process (SIGTERM, SIGKILL after 5 s). The store is kept. */
  async stopApi(): Promise<void> {
    const child = this.api;
    if (!child) return;
    await killGroup(child, 5000);
    this.api = null;
  }

  private async startWeb(): Promise<void> {
    const log = this.logStream("web.log");
    const next = path.join(WEB_DIR, "node_modules/.bin/next");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CHIRON_API_URL: this.apiUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      PORT: String(this.webPort),
    };
    this.web = spawnLogged(next, ["start", "--hostname", "127.0.0.1", "--port", String(this.webPort)], env, WEB_DIR, log);
    await waitFor(`${this.webUrl}/login`, this.web, "next start", 60_000, path.join(this.logDir, "web.log"));
  }

  async stop(): Promise<void> {
    await Promise.all([this.api ? killGroup(this.api, 5000) : null, this.web ? killGroup(this.web, 3000) : null]);
    this.api = null;
    this.web = null;
    for (const l of this.logs) l.end();
    if (this.store === "postgres" && this.dbName) {
      spawnSync("dropdb", ["-h", PG.host, "-p", PG.port, "-U", PG.user, "--if-exists", "--force", this.dbName], { encoding: "utf8" });
      const u = new URL(REDIS_URL);
      spawnSync("redis-cli", ["-h", u.hostname, "-p", u.port || "6379", "-n", u.pathname.slice(1) || "0", "DEL", this.streamKey!], { encoding: "utf8" });
    }
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
