/**
 * The conductor in the URL (Grafana's shareable range): `?window=1h` or `?from=…&to=…` (ISO 8601
 * with an offset). Parsed with the generated zod schemas of the API's own `from` / `to`; a bad
 * value never throws: it falls back to the default and says why (`notice`), shown on screen.
 * Parsed on the server (page.tsx), so zod stays out of the browser's first load; the browser
 * only writes the URL (url-write.ts).
 */
import { zTimelineListQuery } from "@chiron/api-client";
import * as z from "zod/mini";
import { DEFAULT_WINDOW, LIVE_DEFAULT, MIN_RANGE_MS, WINDOWS, type ConductorState } from "./conductor-state";

/** The API's own `from` / `to` rule (RFC 3339 with an offset), from the generated schema. */
const zInstant = zTimelineListQuery.shape.from;
const zWindow = z.enum(WINDOWS);

export type ParsedConductor = { state: ConductorState; notice: string | null };

type Params = URLSearchParams | Record<string, string | string[] | undefined>;

function get(params: Params, name: string): string | null {
  if (params instanceof URLSearchParams) return params.get(name);
  const v = params[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

export function parseConductor(params: Params): ParsedConductor {
  const from = get(params, "from");
  const to = get(params, "to");
  const window = get(params, "window");
  if (from !== null || to !== null) {
    // The schema is nullish (both are optional on the API): here both are required.
    const f = from ? zInstant.safeParse(from) : { success: false as const };
    const t = to ? zInstant.safeParse(to) : { success: false as const };
    if (!f.success || !t.success) {
      const bad = [!f.success ? `from=${from ?? "(missing)"}` : null, !t.success ? `to=${to ?? "(missing)"}` : null].filter(Boolean).join(", ");
      return { state: LIVE_DEFAULT, notice: `Ignored ${bad}: times are ISO 8601 with an offset, e.g. 2026-12-02T06:00:00Z. Showing live.` };
    }
    const fm = Date.parse(from!);
    const tm = Date.parse(to!);
    if (!(tm - fm >= MIN_RANGE_MS)) {
      return { state: LIVE_DEFAULT, notice: `Ignored the range ${from} – ${to}: "from" must be at least 10 s before "to". Showing live.` };
    }
    return { state: { mode: "fixed", from: fm, to: tm }, notice: null };
  }
  if (window !== null) {
    const w = zWindow.safeParse(window);
    if (!w.success) return { state: LIVE_DEFAULT, notice: `Ignored window=${window}: one of ${WINDOWS.join(", ")}. Showing the last ${DEFAULT_WINDOW}.` };
    return { state: { mode: "live", window: w.data, pausedAt: null }, notice: null };
  }
  return { state: LIVE_DEFAULT, notice: null };
}
