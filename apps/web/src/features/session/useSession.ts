"use client";
/** The signed-in operator, token refresh (manual and automatic near expiry) and sign-out. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { browserApi } from "@/lib/api-loader";
import { isUnauthorized } from "@/lib/http";
import { meQuery, queryKeys } from "@/lib/queries";

/** Refresh automatically when less than this is left (tokens live ~15 min). */
export const AUTO_REFRESH_MS = 2 * 60_000;

export function useSession(now: number) {
  const qc = useQueryClient();
  const router = useRouter();
  const me = useQuery(meQuery());

  const refresh = useMutation({
    mutationFn: async () => {
      const { sdk, client } = await browserApi();
      return (await sdk.authRefresh({ client, throwOnError: true })).data;
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.me }),
    onError: (error) => {
      if (isUnauthorized(error)) router.replace("/login");
    },
  });

  const signOut = useMutation({
    mutationFn: async () => {
      const { sdk, client } = await browserApi();
      await sdk.authLogout({ client });
    },
    onSettled: () => {
      qc.clear();
      router.replace("/login");
    },
  });

  // A session without an expiry (expires_at null) never needs a refresh.
  const expiresAt = me.data?.expires_at ? Date.parse(me.data.expires_at) : null;
  const remaining = expiresAt === null ? null : expiresAt - now;

  const autoFor = useRef<number | null>(null);
  useEffect(() => {
    if (remaining === null || expiresAt === null) return;
    if (remaining <= 0) {
      router.replace("/login");
    } else if (remaining < AUTO_REFRESH_MS && autoFor.current !== expiresAt && !refresh.isPending) {
      autoFor.current = expiresAt;
      refresh.mutate();
    }
  }, [remaining, expiresAt, refresh, router]);

  return { me: me.data ?? null, remaining, refresh, signOut };
}
