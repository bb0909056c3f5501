"use client";
/** The open polls (every session sees them), and the answer / open / close actions. */
import type { AnswerCreate, PollCreate } from "@chiron/api-client";
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { browserApi } from "@/lib/api-loader";
import { queryKeys } from "@/lib/queries";

// The stream's `poll` events invalidate it (lib/stream/cache-sink.ts); the interval is a backstop.
export const openPollsKey = queryKeys.openPolls;

export function openPollsQuery() {
  return queryOptions({
    queryKey: openPollsKey,
    queryFn: async ({ signal }) => {
      const { sdk, client } = await browserApi();
      return (await sdk.pollsList({ client, signal, query: { state: "open" }, throwOnError: true })).data;
    },
    refetchInterval: 15_000,
  });
}

/** Closed polls, newest first: the latest outcome stays on screen (OpenPolls). */
export function closedPollsQuery() {
  return queryOptions({
    queryKey: queryKeys.closedPolls,
    queryFn: async ({ signal }) => {
      const { sdk, client } = await browserApi();
      return (await sdk.pollsList({ client, signal, query: { state: "closed" }, throwOnError: true })).data;
    },
    refetchInterval: 30_000,
  });
}

export function usePollActions() {
  const qc = useQueryClient();
  // Open and closed lists: a close moves a poll from one to the other.
  const refresh = () => void qc.invalidateQueries({ queryKey: queryKeys.polls });
  const answer = useMutation({
    mutationFn: async ({ id, body }: { id: number; body: AnswerCreate }) => {
      const { sdk, client } = await browserApi();
      return (await sdk.pollsAnswer({ client, path: { poll_id: id }, body, throwOnError: true })).data;
    },
    onSettled: refresh,
  });
  const close = useMutation({
    mutationFn: async (id: number) => {
      const { sdk, client } = await browserApi();
      // A JSON body, even empty: the API takes the session cookie only on a JSON request (CSRF).
      return (await sdk.pollsClose({ client, path: { poll_id: id }, body: {}, throwOnError: true })).data;
    },
    onSettled: refresh,
  });
  const open = useMutation({
    mutationFn: async (body: PollCreate) => {
      const { sdk, client } = await browserApi();
      return (await sdk.pollsOpen({ client, body, throwOnError: true })).data;
    },
    onSettled: refresh,
  });
  return { answer, close, open };
}
