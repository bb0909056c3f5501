"use client";
/** Development issuer path: mint a Clerk-shaped assertion, trade it for a service token (cookie set by the API). */
import type { DevAssertionRequest } from "@chiron/api-client";
import { useMutation } from "@tanstack/react-query";
import { browserApi, loadApi } from "@/lib/api-loader";

export type DevSignInCheck = { ok: true; value: DevAssertionRequest } | { ok: false; error: string };

export type DevRole = NonNullable<DevAssertionRequest["org_role"]>;
export const DEV_ROLES: { value: DevRole; label: string }[] = [
  { value: "org:viewer", label: "Viewer (read)" },
  { value: "org:operator", label: "Operator (acknowledge, shelve)" },
  { value: "org:director", label: "Director (polls)" },
  { value: "org:admin", label: "Admin (everything)" },
];
export const DEV_STATIONS = ["FLIGHT", "POWER", "THERMAL", "COMMS", "GUIDANCE"] as const;

/** The form's values checked with the API's own request schema (email trimmed, an empty name or station dropped). */
export async function checkDevSignIn(email: string, name: string, role?: DevRole, station?: string): Promise<DevSignInCheck> {
  const { safeValidate } = await loadApi();
  const parsed = safeValidate("zDevAssertionRequest", {
    email: email.trim(),
    name: name.trim() || undefined,
    org_role: role,
    station: station?.trim() || undefined,
  });
  if (parsed.success) return { ok: true, value: parsed.data };
  const field = parsed.issues[0]?.path[0];
  if (field === "station") return { ok: false, error: "A station is letters, digits, - or _ (e.g. THERMAL)." };
  return { ok: false, error: field === "name" ? "Keep the name under 128 characters." : "Enter a valid work email." };
}

export function useDevSignIn(onSignedIn: () => void) {
  return useMutation({
    mutationFn: async (input: DevAssertionRequest) => {
      // The SDK validates the request body with the same generated schema before sending.
      const { sdk, client } = await browserApi();
      const { data } = await sdk.authDevAssertion({ client, body: input, throwOnError: true });
      return (await sdk.authToken({ client, body: { assertion: data.assertion }, throwOnError: true })).data;
    },
    onSuccess: onSignedIn,
  });
}
