/**
 * Same-origin pass-through to the Chiron API for /api/* and /auth/*. The
 * response body is returned as the upstream ReadableStream, never buffered,
 * so SSE frames reach the browser as the API writes them (next.config's
 * rewrites() buffers event streams). In production the reverse proxy routes
 * these paths to the API directly and this code is not on the path.
 *
 * A hand-written fetch on purpose (the web app's other calls go through the
 * generated SDK): this forwards bytes for any path, and the SDK would parse,
 * validate and re-encode every body, and could not pass a stream through.
 */
import "server-only";
import { env } from "./env";

const FORWARD_REQUEST_HEADERS = [
  "accept",
  "authorization",
  "content-type",
  "cookie",
  "idempotency-key",
  "last-event-id",
  "user-agent",
  "x-request-id",
  "traceparent",
  "tracestate",
];

// Hop-by-hop headers, plus the ones fetch() invalidates by decoding the body.
const DROP_RESPONSE_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-encoding",
  "content-length",
  "set-cookie",
  "upgrade",
  "proxy-connection",
  "trailer",
]);

export async function proxyToApi(req: Request): Promise<Response> {
  const incoming = new URL(req.url);
  const target = new URL(incoming.pathname + incoming.search, env.CHIRON_API_URL);

  const headers = new Headers();
  for (const name of FORWARD_REQUEST_HEADERS) {
    const value = req.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  // No compression between us and the API: decoding would buffer the stream.
  headers.set("accept-encoding", "identity");
  headers.set("x-forwarded-host", req.headers.get("host") ?? incoming.host);
  headers.set("x-forwarded-proto", incoming.protocol.replace(":", ""));
  const fwdFor = req.headers.get("x-forwarded-for");
  if (fwdFor) headers.set("x-forwarded-for", fwdFor);

  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: req.method,
      headers,
      body: hasBody ? await req.arrayBuffer() : undefined,
      redirect: "manual",
      cache: "no-store",
      signal: req.signal, // the browser hung up: close the upstream stream too
    });
  } catch (error) {
    if (req.signal.aborted) return new Response(null, { status: 499 });
    console.error("proxy: API unreachable", target.toString(), error);
    return Response.json(
      { error: { code: "upstream_unavailable", message: "The Chiron API is not reachable." } },
      { status: 502, headers: { "retry-after": "2" } },
    );
  }

  const out = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!DROP_RESPONSE_HEADERS.has(name)) out.set(name, value);
  });
  for (const cookie of upstream.headers.getSetCookie()) out.append("set-cookie", cookie);
  if ((upstream.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    out.set("cache-control", "no-cache, no-transform");
    out.set("x-accel-buffering", "no");
    out.set("content-encoding", "identity");
  }

  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: out });
}
