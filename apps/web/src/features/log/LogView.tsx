"use client";
/**
 * The operator log as a side sheet: search (q), tag and author filters, newest first in pages
 * (the API's cursor), each entry's author and station, its stamp and its edit history. The
 * author may edit an entry until the server's `locked_at`; the server still decides (403 for
 * someone else's entry, 409 once locked) and its answer is shown as it comes.
 */
import type { LogEntryOut, Me } from "@chiron/api-client";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { browserApi } from "@/lib/api-loader";
import { hhmm, hhmmss } from "@/lib/format";
import { meQuery, queryKeys } from "@/lib/queries";
import { useNow } from "@/lib/use-now";
import { canEdit } from "./log-stamp";
import styles from "./log.module.css";

export type LogFilters = { q: string; tag: string; author: string };
const PAGE = 20;

const clean = (f: LogFilters) => ({
  ...(f.q.trim() ? { q: f.q.trim() } : {}),
  ...(f.tag.trim() ? { tag: f.tag.trim().toLowerCase() } : {}),
  ...(f.author.trim() ? { author: f.author.trim() } : {}),
});

export function logListQueryKey(filters: LogFilters) {
  return [...queryKeys.log, "list", clean(filters)] as const;
}

function useLogPages(filters: LogFilters) {
  return useInfiniteQuery({
    queryKey: logListQueryKey(filters),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam, signal }) => {
      const { sdk, client } = await browserApi();
      const query = { limit: PAGE, ...clean(filters), ...(pageParam ? { before: pageParam } : {}) };
      return (await sdk.logList({ client, signal, query, throwOnError: true })).data;
    },
    getNextPageParam: (last) => last.next_cursor,
  });
}

const who = (a: LogEntryOut["author"]) => `${a.name ?? a.subject}${a.station ? ` (${a.station})` : ""}`;

function EntryEditor({ entry, onDone }: { entry: LogEntryOut; onDone: () => void }) {
  const qc = useQueryClient();
  const [body, setBody] = useState(entry.body);
  const edit = useMutation({
    mutationFn: async () => {
      const { sdk, client } = await browserApi();
      return (await sdk.logEdit({ client, path: { entry_id: entry.id }, body: { body: body.trim() }, throwOnError: true })).data;
    },
    onSuccess: onDone,
    // Locked meanwhile (409) or not ours (403): the server's word is shown, the list read again.
    onSettled: () => void qc.invalidateQueries({ queryKey: queryKeys.log }),
  });
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (body.trim() && body.trim() !== entry.body) edit.mutate();
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      submit();
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onDone();
    }
  };
  return (
    <form className={styles.editor} aria-label="Edit entry" onSubmit={submit}>
      <textarea aria-label="Entry text" value={body} rows={2} maxLength={8000} autoFocus onChange={(e) => setBody(e.target.value)} onKeyDown={onKey} />
      <div className={styles.composerRow}>
        <button type="submit" className={styles.primary} disabled={edit.isPending || !body.trim() || body.trim() === entry.body}>
          Save
        </button>
        <button type="button" className={styles.ghost} onClick={onDone}>
          Cancel
        </button>
      </div>
      {edit.isError ? <p role="alert">Not saved: {edit.error.message}</p> : null}
    </form>
  );
}

function Entry({ entry, me, now }: { entry: LogEntryOut; me: Me | undefined; now: number }) {
  const [editing, setEditing] = useState(false);
  const at = Date.parse(entry.at);
  return (
    <li className={styles.entry} aria-label={`${who(entry.author)} at ${hhmmss(at)}`} data-entry={entry.id}>
      <p className={styles.entryHead}>
        <time className="mono" dateTime={entry.at}>
          {hhmmss(at)}
        </time>
        <strong>{entry.author.name ?? entry.author.subject}</strong>
        {entry.author.station ? <span className={`mono ${styles.station}`}>{entry.author.station}</span> : null}
        {entry.range ? (
          <span className="mono">
            {hhmm(Date.parse(entry.range.from))}–{hhmm(Date.parse(entry.range.to))}
          </span>
        ) : null}
        {entry.edited_at ? <span className={styles.hint}>edited</span> : null}
        {!editing && canEdit(me, entry, now) ? (
          <button type="button" className={styles.ghost} onClick={() => setEditing(true)} title={`Editable until ${hhmm(Date.parse(entry.locked_at))}`}>
            Edit
          </button>
        ) : null}
      </p>
      {editing ? <EntryEditor entry={entry} onDone={() => setEditing(false)} /> : <p className={styles.entryBody}>{entry.body}</p>}
      {entry.tags.length ? (
        <ul className={styles.tags} aria-label="Tags">
          {entry.tags.map((t) => (
            <li key={t} className="mono">
              #{t}
            </li>
          ))}
        </ul>
      ) : null}
      {entry.edits.length ? (
        <details className={styles.history}>
          <summary>
            History ({entry.edits.length} edit{entry.edits.length > 1 ? "s" : ""})
          </summary>
          <ol>
            {entry.edits.map((ed) => (
              <li key={ed.edited_at}>
                <span className="mono">{hhmmss(Date.parse(ed.edited_at))}</span> {who(ed.editor)} changed: <q>{ed.body}</q>
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </li>
  );
}

export type LogViewProps = { open: boolean; onClose: () => void };

export function LogView({ open, onClose }: LogViewProps) {
  const me = useQuery(meQuery());
  const [draft, setDraft] = useState<LogFilters>({ q: "", tag: "", author: "" });
  const [filters, setFilters] = useState<LogFilters>(draft);
  const pages = useLogPages(filters);
  const [since] = useState(Date.now);
  const now = useNow(since, 10_000);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) first.current?.focus();
  }, [open]);
  if (!open) return null;
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const search = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
  };
  const field = (name: keyof LogFilters, label: string, placeholder: string, ref?: typeof first) => (
    <input ref={ref} aria-label={label} placeholder={placeholder} value={draft[name]} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} />
  );
  return (
    <aside
      className={styles.sheet}
      role="dialog"
      aria-label="Operator log"
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
    >
      <header className={styles.sheetHead}>
        <h2 className="section-label">Operator log</h2>
        <button type="button" className={styles.ghost} onClick={onClose}>
          Close
        </button>
      </header>
      <form className={styles.filters} role="search" aria-label="Search the log" onSubmit={search}>
        {field("q", "Search", "search text", first)}
        {field("tag", "Tag", "tag")}
        {field("author", "Author", "author")}
        <button type="submit" className={styles.primary}>
          Search
        </button>
      </form>
      {pages.isError ? <p role="alert">Could not read the log: {pages.error.message}</p> : null}
      <ol className={styles.entries} aria-label="Log entries">
        {items.map((entry) => (
          <Entry key={entry.id} entry={entry} me={me.data} now={now} />
        ))}
      </ol>
      {pages.isSuccess && items.length === 0 ? <p className={styles.hint}>No entries{Object.keys(clean(filters)).length ? " match" : " yet"}.</p> : null}
      {pages.hasNextPage ? (
        <button type="button" className={styles.ghost} disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
          {pages.isFetchingNextPage ? "Loading…" : "Older entries"}
        </button>
      ) : null}
    </aside>
  );
}
