"use client";
/** Development issuer path: mint a Clerk-shaped assertion, trade it for a service token (cookie set by the API). */
import { zDevAssertion, zTokenResponse } from "@chiron/api-client";
import { useMutation } from "@tanstack/react-query";
import { z } from "zod";
import { browserFetch } from "@/lib/http";

export const zDevSignIn = z.object({
  email: z.email("Enter a valid work email."),
  name: z.string().trim().max(120).optional(),
});

export function useDevSignIn(onSignedIn: () => void) {
  return useMutation({
    mutationFn: async (input: z.infer<typeof zDevSignIn>) => {
      const body = zDevSignIn.parse(input);
      const { assertion } = await browserFetch("/auth/dev/assertion", zDevAssertion, {
        method: "POST",
        body: JSON.stringify({ email: body.email, name: body.name || undefined }),
      });
      return browserFetch("/auth/token", zTokenResponse, { method: "POST", body: JSON.stringify({ assertion }) });
    },
    onSuccess: onSignedIn,
  });
}
