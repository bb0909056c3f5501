/** One QueryClient per request on the server, one per tab in the browser (TanStack's SSR recipe). */
import { isServer, QueryClient } from "@tanstack/react-query";
import { isUnauthorized } from "./http";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // The stream keeps the cache fresh; refetch only on resync or reconnect.
        staleTime: 60_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => !isUnauthorized(error) && count < 3,
      },
    },
  });
}

let browserClient: QueryClient | undefined;

export function getQueryClient(): QueryClient {
  if (isServer) return makeQueryClient();
  browserClient ??= makeQueryClient();
  return browserClient;
}
