"use client";
/**
 * Write an operator log entry (scope `operate`), keyboard first: `L` opens it (LogControls),
 * Enter posts (Shift+Enter for a new line), Escape closes. The entry is stamped with the view's
 * time: now for the live view, or the range handed down (the time conductor's).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { browserApi } from "@/lib/api-loader";
import { meQuery, queryKeys } from "@/lib/queries";
import { canWriteLog, parseTags, stampOf, stampText, type ViewRange } from "./log-stamp";
import styles from "./log.module.css";

export { canWriteLog, parseTags } from "./log-stamp";

export type LogComposerProps = {
  /** Shown (the shortcut or the button opened it). */
  open: boolean;
  /** Asked to close: Escape, Cancel, or the entry was posted. */
  onClose: () => void;
  /** The view's time range; absent or null: the live view, stamped now. */
  range?: ViewRange | null;
};

export function LogComposer({ open, onClose, range = null }: LogComposerProps) {
  const me = useQuery(meQuery());
  const qc = useQueryClient();
  const [body, setBody] = useState("");
  const [tags, setTags] = useState("");
  const text = useRef<HTMLTextAreaElement>(null);
  const write = useMutation({
    mutationFn: async () => {
      const { sdk, client } = await browserApi();
      return (await sdk.logCreate({ client, body: { body: body.trim(), tags: parseTags(tags), ...stampOf(range) }, throwOnError: true })).data;
    },
    onSuccess: () => {
      setBody("");
      setTags("");
      // The entry is a timeline event (the stream brings it too) and a log entry.
      void qc.invalidateQueries({ queryKey: queryKeys.timeline(null) });
      void qc.invalidateQueries({ queryKey: queryKeys.log });
      onClose();
    },
  });
  useEffect(() => {
    if (open) text.current?.focus();
  }, [open]);
  if (!open || !canWriteLog(me.data)) return null;
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (body.trim() && !write.isPending) write.mutate();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      onClose();
    }
  };
  const onBodyKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };
  return (
    <div className={styles.dialog} role="dialog" aria-label="Write a log entry" onKeyDown={onKeyDown}>
      <form className={styles.composer} aria-label="Operator log" onSubmit={submit}>
        <p className={styles.composerHead}>
          <strong>Log entry</strong>
          <span className="mono">{stampText(range)}</span>
          <span className={styles.hint}>Enter posts · Shift+Enter new line · Esc closes</span>
        </p>
        <textarea ref={text} aria-label="Log entry" value={body} maxLength={8000} rows={2} onChange={(e) => setBody(e.target.value)} onKeyDown={onBodyKey} />
        <div className={styles.composerRow}>
          <input aria-label="Tags" placeholder="tags, comma separated" value={tags} onChange={(e) => setTags(e.target.value)} />
          <button type="submit" className={styles.primary} disabled={write.isPending || !body.trim()}>
            Log
          </button>
          <button type="button" className={styles.ghost} onClick={onClose}>
            Cancel
          </button>
        </div>
        {write.isError ? <p role="alert">Could not log: {write.error.message}</p> : null}
      </form>
    </div>
  );
}
