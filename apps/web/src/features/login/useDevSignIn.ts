"use client";
/** Development issuer path: mint a Clerk-shaped assertion, trade it for a service token (cookie set by the API). */
import type { DevAssertionRequest } from "@chiron/api-client";
import { useMutation } from "@tanstack/react-query";
import { browserFetch } from "@/lib/http";
import { loadValidation } from "@/lib/validation-loader";

export type DevSignInCheck = { ok: true; value: DevAssertionRequest } | { ok: false; error: string };

/** The form's values checked with the API's own request schema (email trimmed, an empty name dropped). */
export async function checkDevSignIn(email: string, name: string): Promise<DevSignInCheck> {
  const { safeValidate } = await loadValidation();
  const parsed = safeValidate("zDevAssertionRequest", { email: email.trim(), name: name.trim() || undefined });
  if (parsed.success) return { ok: true, value: parsed.data };
  const field = parsed.issues[0]?.path[0];
  return { ok: false, error: field === "name" ? "Keep the name under 128 characters." : "Enter a valid work email." };
}

export function useDevSignIn(onSignedIn: () => void) {
  return useMutation({
    mutationFn: async (input: DevAssertionRequest) => {
      const body = (await loadValidation()).validate("zDevAssertionRequest", input);
      const { assertion } = await browserFetch("/auth/dev/assertion", "zDevAssertion", {
        method: "POST",
        body: JSON.stringify(body),
      });
      return browserFetch("/auth/token", "zTokenResponse", { method: "POST", body: JSON.stringify({ assertion }) });
    },
    onSuccess: onSignedIn,
  });
}
