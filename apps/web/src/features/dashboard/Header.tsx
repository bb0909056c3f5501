"use client";
/** The command bar: brand, site, UTC clock, stream state, token, animations, operator. */
import type { ReactNode } from "react";
import { hhmmss } from "@/lib/format";
import type { StreamState } from "@/lib/stream/manager";
import { AnimationsToggle, OperatorChip, TokenStatus } from "../session/SessionControls";
import { useSession } from "../session/useSession";
import { StreamBadge } from "../stream/StreamBadge";
import { Brand } from "./Brand";
import styles from "./dashboard.module.css";

export type HeaderProps = {
  site: string;
  fleet: string;
  devices: number | null;
  now: number;
  stream: StreamState;
  dataAsOf: number | null;
  rate: number | null;
  /** The time conductor (features/conductor), in the bar. */
  conductor?: ReactNode;
};

export function Header({ site, fleet, devices, now, stream, dataAsOf, rate, conductor }: HeaderProps) {
  const session = useSession(now);
  return (
    <header className={styles.header}>
      <Brand />
      <span className={styles.divider} aria-hidden />
      <p className={styles.site}>
        {site}{" "}
        <span className="mono">
          {fleet}
          {devices !== null ? ` · ${devices} devices` : ""}
        </span>
      </p>
      {conductor}
      <div className={styles.headerRight}>
        <p className={styles.clock}>
          <time className="mono">{hhmmss(now)}</time> <span>UTC</span>
        </p>
        <StreamBadge state={stream} now={now} dataAsOf={dataAsOf} rate={rate} />
        <TokenStatus remaining={session.remaining} refresh={session.refresh} />
        <AnimationsToggle />
        <OperatorChip me={session.me} signOut={session.signOut} />
      </div>
    </header>
  );
}
