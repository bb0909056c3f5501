/**
 * POST /otel/logs: the browser logger's batches, forwarded to the collector as
 * OTLP/HTTP JSON (`${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/logs`), or dropped when no
 * collector is configured. Always answers 204 quickly: a slow or missing
 * collector must never back up the browser. Outside /api/ and /auth/, which
 * the reverse proxy sends to the API.
 */
import { toOtlpLogs, zBrowserLogBatch } from "@/lib/otel/browser-logs";

export const dynamic = "force-dynamic";

const MAX_BODY = 64 * 1024;
const FORWARD_TIMEOUT_MS = 2000;

export async function POST(req: Request): Promise<Response> {
  const text = await req.text();
  if (text.length > MAX_BODY) return new Response(null, { status: 413 });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return new Response(null, { status: 400 });
  }
  const batch = zBrowserLogBatch.safeParse(body);
  if (!batch.success) return new Response(null, { status: 400 });

  const endpoint = process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT || logsUrl(process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (endpoint) {
    const payload = toOtlpLogs(batch.data, { userAgent: req.headers.get("user-agent") });
    // Not awaited: the browser gets its 204 now; a failed export is dropped.
    void fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    }).then(
      (res) => void res.body?.cancel(),
      () => undefined,
    );
  }
  return new Response(null, { status: 204 });
}

function logsUrl(base: string | undefined): string | null {
  if (!base) return null;
  return `${base.replace(/\/+$/, "")}/v1/logs`;
}
