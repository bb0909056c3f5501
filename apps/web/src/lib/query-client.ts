/** One QueryClient per request on the server, one per tab in the browser (TanStack's SSR recipe). */
import { isServer, QueryClient } from "@tanstack/react-query";
import { isUnauthorized } from "./http";
import { backoffDelay } from "./stream/backoff";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // The stream keeps the cache fresh; refetch only on resync or reconnect.
        staleTime: 60_000,
        refetchOnWindowFocus: false,
        // An API that is down comes back: keep asking, with the stream's backoff (at most 5 s
        // apart), so a page opened during an outage recovers by itself. Only a lost session stops.
        retry: (_count, error) => !isUnauthorized(error),
        retryDelay: (attempt) => backoffDelay(attempt),
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
