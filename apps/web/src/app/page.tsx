/**
 * Dashboard route. Reads the session cookie, loads the summary, timeline and
 * operator on the server (bearer = cookie value) and hydrates TanStack Query,
 * so the first paint already shows every gate. No session, or a 401 from the
 * API, sends the operator to /login.
 */
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { gatesAtQuery } from "@/features/conductor/conductor-queries";
import { parseConductor } from "@/features/conductor/url-codec";
import { Dashboard } from "@/features/dashboard/Dashboard";
import { env } from "@/lib/env";
import { isUnauthorized } from "@/lib/http";
import { meQuery, summaryQuery, timelineQuery } from "@/lib/queries";
import { makeQueryClient } from "@/lib/query-client";
import { renderedAt, serverApi, SESSION_COOKIE } from "@/lib/server-api";

export const dynamic = "force-dynamic";

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function DashboardPage({ searchParams }: PageProps) {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) redirect("/login");

  // The conductor is read here, with the generated schemas, so zod stays out of the first load.
  const conductor = parseConductor(await searchParams);
  const api = serverApi(token);
  const qc = makeQueryClient();
  const results = await Promise.allSettled([
    qc.fetchQuery({ ...meQuery(api), retry: false }),
    qc.fetchQuery({ ...summaryQuery(api), retry: false }),
    qc.fetchQuery({ ...timelineQuery(null, api), retry: false }),
    // A shared link to a past range paints its gates at once.
    ...(conductor.state.mode === "fixed" ? [qc.fetchQuery({ ...gatesAtQuery(conductor.state.to, api), retry: false })] : []),
  ]);
  if (results.some((r) => r.status === "rejected" && isUnauthorized(r.reason))) redirect("/login");
  for (const r of results) if (r.status === "rejected") console.error("dashboard prefetch failed:", r.reason);

  return (
    <HydrationBoundary state={dehydrate(qc)}>
      <Dashboard site={env.CHIRON_SITE_NAME} fleet={env.CHIRON_FLEET} serverNow={renderedAt()} conductor={conductor} />
    </HydrationBoundary>
  );
}
