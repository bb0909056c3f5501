#!/usr/bin/env node
/**
 * A tiny stand-in for the Chiron API (shapes of packages/api-client/openapi.json;
 * src/lib/fake-api.contract.test.ts validates them with the generated schemas), for
 * developing the web app, screenshots and the proxy streaming measurement when
 * the real API is not running. Not a reference implementation.
 *
 *   node scripts/fake-api.mjs [--port 8000] [--scenario normal|bad] [--rate 1]
 *   Token "fixture-token" is always accepted (cookie chiron_session or bearer).
 */
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: process.env.FAKE_API_PORT ?? "8000" },
    scenario: { type: "string", default: process.env.FAKE_SCENARIO ?? "normal" },
    rate: { type: "string", default: "1" },
    "event-every": { type: "string", default: "20" },
  },
});
const PORT = Number(args.port);
const BAD = args.scenario === "bad";
const TOKEN_TTL_MS = 15 * 60_000;
const FIXTURE_TOKEN = "fixture-token";

let seed = 42;
const rand = () => ((seed = (seed * 1664525 + 1013904223) % 4294967296) / 4294967296);
const now = () => Date.now();
const iso = (ms) => new Date(ms).toISOString();

// --- metrics ---------------------------------------------------------------
const M = (source, metric, title, unit, base, amp, thr = {}) => ({ source, metric, title, unit, base, amp, ...thr });
const series = [
  M("rover-07", "bus.voltage", "Bus voltage", "V", 28.4, 0.3, { warn: 27, critical: 26, direction: "below" }),
  M("rover-07", "core.temp", "Core temp", "°C", 71.6, 0.5, { warn: 70, critical: 85, direction: "above" }),
  M("relay-2", "radio.rssi", "Signal strength", "dBm", -71, 2, { warn: -85, critical: -95, direction: "below" }),
  M("rover-07", "battery.soc", "Battery charge", "%", 64, 0.4, { warn: 25, critical: 15, direction: "below" }),
  M("rover-07", "nav.error", "Nav error", "m", 0.21, 0.04, { warn: 0.5, critical: 0.8, direction: "above" }),
  M("gs-north", "link.rtt", "Round-trip", "ms", 142, 18, { warn: 400, critical: 800, direction: "above" }),
  M("rover-07", "bus.current", "Bus current", "A", 12.6, 0.6),
  M("rover-07", "solar.input", "Solar input", "W", 184, 12),
  M("rover-07", "motor.temp_l", "Motor temp L", "°C", 54.2, 1.5),
  M("rover-07", "motor.temp_r", "Motor temp R", "°C", 66.3, 1.2, { warn: 65, critical: 80, direction: "above" }),
  M("rover-07", "wheel.slip", "Wheel slip", "%", 3.1, 0.6),
  M("rover-07", "imu.pitch", "Pitch", "°", 4.2, 0.3),
  M("rover-07", "cpu.load", "CPU load", "%", 38, 5),
  M("rover-07", "queue.depth", "Queue depth", null, 18, 4),
  M("relay-2", "packet.loss", "Packet loss", "%", 0.4, 0.2),
  M("rover-07", "ambient.temp", "Ambient", "°C", -12.4, 0.4),
];
if (BAD) {
  series[0].base = 25.7;
  series[1].base = 73.4;
  series[6].base = 17.4;
  series[6].warn = 16;
  series[6].critical = 22;
  series[6].direction = "above";
}
const silent = new Set(BAD ? ["relay-2"] : []);
const key = (s) => `${s.source}|${s.metric}`;
const state = new Map();
const t0 = now();
for (const s of series) {
  const spark = [];
  let v;
  for (let i = 59; i >= 0; i--) {
    v = s.base + Math.sin(i / 6 + s.base) * s.amp + (rand() - 0.5) * s.amp * 0.8;
    spark.push({ ts: iso(t0 - i * 15_000 - (silent.has(s.source) ? 130_000 : 0)), value: round(v), min: round(v), max: round(v) });
  }
  if (BAD && s.metric === "bus.voltage") spark.slice(-8).forEach((p, i) => (p.value = round(27.2 - i * 0.2)));
  if (BAD && s.metric === "bus.current") spark.slice(-10).forEach((p, i) => (p.value = round(14 + i * 0.4)));
  state.set(key(s), { spec: s, spark });
}
function round(v) {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
}
function levelFor(v, s) {
  const beyond = (t) => t !== undefined && (s.direction === "below" ? v < t : v > t);
  return beyond(s.critical) ? "critical" : beyond(s.warn) ? "warn" : "ok";
}
function metricSummary(k) {
  const { spec, spark } = state.get(k);
  const last = spark.at(-1);
  const stale = now() - Date.parse(last.ts) > 30_000;
  return {
    source: spec.source, metric: spec.metric, unit: spec.unit, value: last.value, ts: last.ts,
    severity: levelFor(last.value, spec), stale, last_seen_at: last.ts, stale_after_s: 30,
    warn: spec.warn ?? null, critical: spec.critical ?? null, direction: spec.direction ?? null,
    sparkline: spark,
  };
}

// --- gates -----------------------------------------------------------------
const gateDefs = [
  ["propulsion-bus", "Propulsion bus", "rover-07", "bus.voltage"],
  ["thermal-envelope", "Thermal envelope", "rover-07", "core.temp"],
  ["telemetry-link", "Telemetry link", "relay-2", "radio.rssi"],
  ["battery-reserve", "Battery reserve", "rover-07", "battery.soc"],
  ["guidance", "Guidance", "rover-07", "nav.error"],
  ["ground-link", "Ground link", "gs-north", "link.rtt"],
];
const sinceAgo = [26, 1, 40, 142, 11, 26];
const gates = new Map(
  gateDefs.map(([slug, title, source, metric], position) => {
    const s = state.get(`${source}|${metric}`).spec;
    return [slug, { slug, title, description: `${title} checkpoint`, source, metric, position, warn: s.warn, critical: s.critical,
      direction: s.direction, hysteresis: 0, min_violations: 1, status: "go", since: iso(t0 - sinceAgo[position] * 60_000), stale_after_s: 30 }];
  }),
);
function gateView(g) {
  const m = metricSummary(`${g.source}|${g.metric}`);
  const status = m.severity === "critical" ? "no-go" : m.severity === "warn" ? "hold" : "go";
  if (status !== g.status && !m.stale) {
    g.status = status;
    g.since = iso(now());
  }
  const threshold = g.status === "no-go" ? g.critical : g.warn;
  return { slug: g.slug, title: g.title, description: g.description, source: g.source, metric: g.metric, status: g.status,
    value: m.value, unit: m.unit, threshold, warn: g.warn, critical: g.critical, direction: g.direction,
    hysteresis: g.hysteresis, min_violations: g.min_violations,
    position: g.position, since: g.since, updated_at: m.ts, last_seen_at: m.last_seen_at, stale: m.stale, no_data: false, stale_after_s: 30,
    alarm: g.alarm ?? NORMAL_ALARM };
}
const NORMAL_ALARM = { state: "normal", latched_status: null, trigger: null, peak: null, since: null, acked_by: null, acked_at: null,
  comment: null, shelved_until: null, shelved_by: null, actions: ["shelve"] };
if (BAD) gates.get("telemetry-link").status = "go";
for (const g of gates.values()) gateView(g);
if (BAD) gates.get("propulsion-bus").since = iso(t0 - 3_000);

// --- timeline + bus ---------------------------------------------------------
let eventSeq = 0;
const timeline = [];
const addEvent = (ago, kind, severity, title, body, gate_slug = null, source = null, ts = now() - ago * 1000) => {
  const e = { id: ++eventSeq, ts: iso(ts), kind, severity, title, body, gate_slug, source, actor: null };
  timeline.unshift(e);
  timeline.sort((a, b) => Date.parse(b.ts) - Date.parse(a.ts));
  return e;
};
addEvent(1680, "gate_transition", "info", "Guidance → GO", "0.19 m", "guidance", "rover-07");
addEvent(1500, "deploy", "info", "Deployed api 0.4.1", "3 of 3 healthy");
addEvent(1320, "note", "info", "Battery swap complete", "M. Reyes");
addEvent(1180, "gate_transition", "warning", "Guidance → HOLD", "0.62 m > 0.50", "guidance", "rover-07");
addEvent(840, "note", "info", "South traverse started", "M. Reyes");
addEvent(650, "gate_transition", "info", "Guidance → GO", "0.21 m", "guidance", "rover-07");
addEvent(320, "deploy", "info", "Deployed api 0.4.2", "3 of 3 healthy");
addEvent(BAD ? 160 : 8, "gate_transition", "warning", "Thermal envelope → HOLD", "71.8 °C > 70.0", "thermal-envelope", "rover-07");
if (BAD) {
  addEvent(90, "stale", "warning", "Telemetry link stale", "relay-2 silent", "telemetry-link", "relay-2");
  addEvent(3, "gate_transition", "critical", "Propulsion bus → NO-GO", "25.7 V < 26.0", "propulsion-bus", "rover-07");
}

const bus = []; // {id, event, data}
let lastMs = 0, lastSeq = 0;
const clients = new Set();
function publish(event, data) {
  const t = now();
  lastSeq = t === lastMs ? lastSeq + 1 : 0;
  lastMs = t;
  const msg = { id: `${t}-${lastSeq}`, event, data: JSON.stringify(data) };
  bus.push(msg);
  if (bus.length > 2000) bus.shift();
  for (const c of clients) write(c, msg);
}
const write = (res, m) => res.write(`id: ${m.id}\nevent: ${m.event}\ndata: ${m.data}\n\n`);
const cmpId = (a, b) => { const [am, as] = a.split("-").map(Number); const [bm, bs] = b.split("-").map(Number); return am - bm || as - bs; };

setInterval(() => {
  const samples = [];
  for (const [k, st] of state) {
    if (silent.has(st.spec.source)) continue;
    const prev = st.spark.at(-1).value;
    const s = st.spec;
    const v = round(prev + (s.base - prev) * 0.15 + (rand() - 0.5) * s.amp * 0.6);
    const p = { ts: iso(now()), value: v, min: v, max: v };
    st.spark.push(p);
    if (st.spark.length > 60) st.spark.shift();
    samples.push({ source: s.source, metric: s.metric, value: v, unit: s.unit, ts: p.ts, severity: levelFor(v, s) });
    void k;
  }
  publish("samples", { type: "samples", samples });
  for (const g of gates.values()) {
    const before = g.status;
    const view = gateView(g);
    if (view.status !== before) {
      publish("gate", { type: "gate", gate: view });
      const e = addEvent(0, "gate_transition", view.status === "no-go" ? "critical" : view.status === "hold" ? "warning" : "info",
        `${g.title} → ${view.status.toUpperCase()}`, `${view.value} ${view.unit ?? ""}`.trim(), g.slug, g.source);
      publish("timeline", { type: "timeline", event: e });
    }
  }
}, 1000 / Number(args.rate));
let noteN = 0;
setInterval(() => {
  const e = addEvent(0, "note", "info", `Operator note ${++noteN}`, "checkpoint logged", null, "rover-07");
  publish("timeline", { type: "timeline", event: e });
}, Number(args["event-every"]) * 1000);

// --- auth --------------------------------------------------------------------
const sessions = new Map([[FIXTURE_TOKEN, { subject: "m.reyes@ridgeline.ops", name: "M. Reyes", exp: Infinity }]]);
function authOf(req) {
  const h = req.headers.authorization;
  let tok = h?.startsWith("Bearer ") ? h.slice(7) : null;
  if (!tok) tok = /(?:^|;\s*)chiron_session=([^;]+)/.exec(req.headers.cookie ?? "")?.[1] ?? null;
  const s = tok && sessions.get(tok);
  if (!s || s.exp < now()) return null;
  return { token: tok, ...s };
}
function issue(res, subject, name) {
  const tok = randomBytes(18).toString("base64url");
  const exp = now() + TOKEN_TTL_MS;
  sessions.set(tok, { subject, name, exp });
  res.setHeader("set-cookie", `chiron_session=${tok}; HttpOnly; Path=/; SameSite=Lax; Max-Age=${TOKEN_TTL_MS / 1000}`);
  return { access_token: tok, token_type: "bearer", expires_at: iso(exp), scopes: ["read"], subject };
}

// --- http --------------------------------------------------------------------
const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};
const err = (res, status, code, message) =>
  json(res, status, { error: { code, message } }, status === 401 ? { "www-authenticate": "Bearer" } : {});
const readBody = (req) => new Promise((ok) => { let b = ""; req.on("data", (c) => (b += c)); req.on("end", () => { try { ok(JSON.parse(b || "{}")); } catch { ok(null); } }); });

createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const p = url.pathname;
  if (p === "/healthz") return json(res, 200, { status: "ok" });
  if (p === "/readyz") return json(res, 200, { status: "ready", store: "ok", bus: "ok" });
  if (req.method === "POST" && p === "/auth/dev/assertion") {
    const b = await readBody(req);
    if (!b?.email) return err(res, 422, "validation_error", "email is required");
    const assertion = "dev." + Buffer.from(JSON.stringify({ email: b.email, name: b.name ?? null })).toString("base64url");
    return json(res, 200, { assertion, expires_at: iso(now() + 60_000) });
  }
  if (req.method === "POST" && p === "/auth/token") {
    const b = await readBody(req);
    if (!b?.assertion?.startsWith("dev.")) return err(res, 401, "invalid_assertion", "assertion rejected");
    const claims = JSON.parse(Buffer.from(b.assertion.slice(4), "base64url").toString());
    return json(res, 200, issue(res, claims.email, claims.name));
  }
  if (req.method === "POST" && p === "/auth/logout") {
    const a = authOf(req);
    if (a && a.token !== FIXTURE_TOKEN) sessions.delete(a.token);
    res.setHeader("set-cookie", "chiron_session=; HttpOnly; Path=/; SameSite=Lax; Max-Age=0");
    res.writeHead(204);
    return res.end();
  }
  const a = authOf(req);
  if (!a) return err(res, 401, "unauthorized", "missing or invalid token");
  if (req.method === "POST" && p === "/auth/refresh") return json(res, 200, issue(res, a.subject, a.name));
  if (p === "/auth/me")
    return json(res, 200, { subject: a.subject, name: a.name, scopes: ["read"], role: "org:viewer", station: null, expires_at: iso(a.exp === Infinity ? now() + 12 * 60_000 + 41_000 : a.exp) });
  if (p === "/api/v1/dashboard/summary") {
    const gl = [...gates.values()].map(gateView);
    const counts = { go: 0, hold: 0, "no-go": 0, stale: 0, no_data: 0 };
    gl.forEach((g) => counts[g.no_data ? "no_data" : g.stale ? "stale" : g.status]++);
    return json(res, 200, {
      generated_at: iso(now()), last_event_id: bus.at(-1)?.id ?? null, gates: gl,
      metrics: [...state.keys()].map(metricSummary),
      counts: { samples_total: 1_204_331, sources: 18, metrics: state.size, events_24h: timeline.length, gates: counts,
        alarms: gl.reduce((n, g) => ({ ...n, [g.alarm.state]: n[g.alarm.state] + 1 }),
          { normal: 0, unacked: 0, acked: 0, rtn_unacked: 0, shelved: 0 }) },
      // One device with a clock two hours behind, so the skew badge shows (docs/clock-skew.md).
      sources: [...new Set([...state.keys()].map((k) => k.split("|")[0]))].sort().map((source, i) =>
        i === 1 ? { source, skew_s: 7212.4, skewed: true } : { source, skew_s: 0.04, skewed: false },
      ),
    });
  }
  if (p === "/api/v1/dashboard/timeline") {
    const limit = Number(url.searchParams.get("limit") ?? 50);
    const before = url.searchParams.get("before");
    const start = before ? timeline.findIndex((e) => String(e.id) === before) + 1 : 0;
    const items = timeline.slice(start, start + limit);
    return json(res, 200, { items, next_cursor: start + limit < timeline.length ? String(items.at(-1)?.id) : null });
  }
  if (p === "/api/v1/dashboard/series") {
    const st = state.get(`${url.searchParams.get("source")}|${url.searchParams.get("metric")}`);
    if (!st) return err(res, 404, "not_found", "unknown series");
    return json(res, 200, { source: st.spec.source, metric: st.spec.metric, unit: st.spec.unit, bucket_seconds: 15,
      points: st.spark.map((x) => ({ ts: x.ts, min: x.value, max: x.value, mean: x.value, count: 1 })) });
  }
  if (p === "/api/v1/dashboard/stream") {
    const cursor = req.headers["last-event-id"] ?? url.searchParams.get("last_event_id");
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no", connection: "keep-alive" });
    res.write(": connected\n\n");
    if (cursor) {
      if (bus.length && cmpId(cursor, bus[0].id) < 0) write(res, { id: bus.at(-1).id, event: "resync", data: JSON.stringify({ type: "resync", reason: "cursor older than the bus" }) });
      else for (const m of bus) if (cmpId(m.id, cursor) > 0) write(res, m);
    }
    clients.add(res);
    const hb = setInterval(() => res.write(": heartbeat\n\n"), 15_000);
    req.on("close", () => { clients.delete(res); clearInterval(hb); });
    return;
  }
  return err(res, 404, "not_found", `no route ${p}`);
}).listen(PORT, "127.0.0.1", () => console.log(`fake chiron api on http://127.0.0.1:${PORT} (${args.scenario})`));
