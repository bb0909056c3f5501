"use client";
/** Acknowledge, shelve and unshelve a gate's alarm; the answer goes straight into the summary. */
import type { Summary } from "@chiron/api-client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { browserApi } from "@/lib/api-loader";
import { queryKeys } from "@/lib/queries";
import { applyAlarm } from "@/lib/stream/alarm-transforms";

export type AlarmAction =
  | { verb: "acknowledge"; comment?: string }
  | { verb: "shelve"; duration_s: number; comment: string }
  | { verb: "unshelve"; comment?: string };

export function useAlarmAction(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (action: AlarmAction) => {
      const { sdk, client } = await browserApi();
      const path = { slug };
      switch (action.verb) {
        case "acknowledge":
          return (await sdk.alarmsAcknowledge({ client, path, body: { comment: action.comment || null }, throwOnError: true })).data;
        case "shelve":
          return (await sdk.alarmsShelve({ client, path, body: { duration_s: action.duration_s, comment: action.comment }, throwOnError: true })).data;
        case "unshelve":
          return (await sdk.alarmsUnshelve({ client, path, body: { comment: action.comment || null }, throwOnError: true })).data;
      }
    },
    onSuccess: (change) => qc.setQueryData<Summary>(queryKeys.summary, (s) => (s ? applyAlarm(s, change) : s)),
    // Someone else acted first (409): the summary is stale, fetch it again.
    onError: () => void qc.invalidateQueries({ queryKey: queryKeys.summary }),
  });
}
