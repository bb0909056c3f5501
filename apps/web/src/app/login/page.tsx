/** Sign-in route. An operator with a working session goes straight to the dashboard. */
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { LoginScreen } from "@/features/login/LoginScreen";
import { env } from "@/lib/env";
import { meQuery } from "@/lib/queries";
import { makeQueryClient } from "@/lib/query-client";
import { readiness, renderedAt, serverApi, SESSION_COOKIE } from "@/lib/server-api";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · Chiron" };

export default async function LoginPage() {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (token) {
    const me = await makeQueryClient()
      .fetchQuery({ ...meQuery(serverApi(token)), retry: false })
      .catch(() => null);
    if (me) redirect("/");
  }
  const ready = await readiness();
  return (
    <LoginScreen
      site={env.CHIRON_SITE_NAME}
      fleet={env.CHIRON_FLEET}
      version={process.env.CHIRON_VERSION ?? "dev"}
      ssoUrl={env.CHIRON_SSO_URL ?? null}
      ready={ready}
      serverNow={renderedAt()}
    />
  );
}
