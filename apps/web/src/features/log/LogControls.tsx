"use client";
/**
 * The operator log's way in, in the timeline's head: "Write log (L)" for a session that may
 * write, "Log" (the searchable list) for every session. `L` opens the composer from anywhere on
 * the page, except while typing in a field.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { meQuery } from "@/lib/queries";
import { LogComposer } from "./LogComposer";
import { LogView } from "./LogView";
import { canWriteLog, isLogShortcut, type ViewRange } from "./log-stamp";
import styles from "./log.module.css";

export type LogControlsProps = {
  /** The view's time range (the time conductor's), stamped on new entries; absent: now. */
  range?: ViewRange | null;
};

export function LogControls({ range = null }: LogControlsProps) {
  const me = useQuery(meQuery());
  const writer = canWriteLog(me.data);
  const [composing, setComposing] = useState(false);
  const [reading, setReading] = useState(false);
  // Focus goes back where it was when a panel closes (keyboard first).
  const back = useRef<HTMLElement | null>(null);
  const remember = () => {
    back.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  };
  const restore = () => {
    const el = back.current;
    back.current = null;
    if (el && el.isConnected) el.focus();
  };
  useEffect(() => {
    if (!writer) return;
    const onKey = (e: KeyboardEvent) => {
      if (composing || !isLogShortcut(e)) return;
      e.preventDefault();
      remember();
      setComposing(true);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [writer, composing]);
  return (
    <div className={styles.controls}>
      {writer ? (
        <button
          type="button"
          className={styles.ghost}
          aria-keyshortcuts="L"
          onClick={() => {
            remember();
            setComposing(true);
          }}
        >
          Write log <kbd>L</kbd>
        </button>
      ) : null}
      <button
        type="button"
        className={styles.ghost}
        aria-expanded={reading}
        onClick={() => {
          remember();
          setReading(!reading);
        }}
      >
        Log
      </button>
      <LogComposer
        open={composing}
        range={range}
        onClose={() => {
          setComposing(false);
          restore();
        }}
      />
      <LogView
        open={reading}
        onClose={() => {
          setReading(false);
          restore();
        }}
      />
    </div>
  );
}
