/** Catch-all pass-through to the Chiron API (streams bodies, forwards cookies; raw fetch, not the SDK: see lib/proxy.ts). */
import { proxyToApi } from "@/lib/proxy";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = proxyToApi;
export const POST = proxyToApi;
export const PUT = proxyToApi;
export const PATCH = proxyToApi;
export const DELETE = proxyToApi;
export const OPTIONS = proxyToApi;
