"use client";
/** Write an operator log entry (scope `operate`): a body and comma-separated tags. */
import type { Me } from "@chiron/api-client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { browserApi } from "@/lib/api-loader";
import { meQuery, queryKeys } from "@/lib/queries";
import styles from "./log.module.css";

/** "Thermal, anomaly ,, ops" -> ["thermal", "anomaly", "ops"] (the API lower-cases too). */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

export function canWriteLog(me: Pick<Me, "scopes"> | null | undefined): boolean {
  return !!me && (me.scopes.includes("operate") || me.scopes.includes("admin"));
}

export function LogComposer() {
  const me = useQuery(meQuery());
  const qc = useQueryClient();
  const [body, setBody] = useState("");
  const [tags, setTags] = useState("");
  const write = useMutation({
    mutationFn: async () => {
      const { sdk, client } = await browserApi();
      return (await sdk.logCreate({ client, body: { body, tags: parseTags(tags) }, throwOnError: true })).data;
    },
    onSuccess: () => {
      setBody("");
      setTags("");
      // The entry is a timeline event: the band shows it.
      void qc.invalidateQueries({ queryKey: queryKeys.timeline(null) });
    },
  });
  if (!canWriteLog(me.data)) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (body.trim()) write.mutate();
  };
  return (
    <form className={styles.composer} aria-label="Operator log" onSubmit={submit}>
      <textarea aria-label="Log entry" value={body} maxLength={8000} rows={2} onChange={(e) => setBody(e.target.value)} />
      <input aria-label="Tags" placeholder="tags, comma separated" value={tags} onChange={(e) => setTags(e.target.value)} />
      <button type="submit" disabled={write.isPending || !body.trim()}>
        Log
      </button>
      {write.isError ? <p role="alert">{write.error.message}</p> : null}
    </form>
  );
}
