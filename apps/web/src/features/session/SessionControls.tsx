"use client";
/** Header controls: token lifetime + refresh, animations toggle, operator chip with sign-out. */
import { useMotionPreference } from "@chiron/ui";
import { countdown } from "@/lib/format";
import { useAnimationsSetting } from "@/features/motion/animations-setting";
import type { useSession } from "./useSession";
import styles from "./session.module.css";

function initials(name: string): string {
  const parts = name.replace(/@.*/, "").split(/[\s._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts[1]?.[0] ?? "")).toUpperCase();
}

type Session = ReturnType<typeof useSession>;

export function TokenStatus({ remaining, refresh }: Pick<Session, "remaining" | "refresh">) {
  const fraction = remaining === null ? 0 : Math.max(0, Math.min(1, remaining / (15 * 60_000)));
  return (
    <div className={styles.pill} data-low={remaining !== null && remaining < 120_000 ? "" : undefined}>
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden>
        <circle cx="8" cy="8" r="6" fill="none" stroke="rgba(255,255,255,0.15)" strokeWidth="2" />
        <circle
          cx="8"
          cy="8"
          r="6"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeDasharray={`${fraction * 37.7} 37.7`}
          transform="rotate(-90 8 8)"
          strokeLinecap="round"
        />
      </svg>
      <span>
        token <strong className={styles.num}>{remaining === null ? "--:--" : countdown(remaining)}</strong> left
      </span>
      <button
        type="button"
        className={styles.iconButton}
        onClick={() => refresh.mutate()}
        disabled={refresh.isPending}
        aria-label="Refresh token"
        title="Refresh token"
      >
        <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden data-spinning={refresh.isPending || undefined}>
          <path d="M13.5 8A5.5 5.5 0 1 1 11 3.4M13.5 2.5v3.2h-3.2" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        </svg>
      </button>
    </div>
  );
}

export function AnimationsToggle() {
  const [on, setOn] = useAnimationsSetting();
  const { reducedMotion } = useMotionPreference();
  return (
    <div className={styles.pill}>
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden>
        <path d="M1.5 9c2-5 4-5 6.5 0s4.5 5 6.5 0" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      </svg>
      <span id="animations-label">Animations</span>
      {/* Reduced motion wins: the switch shows what is in force (off), and says why. */}
      <button
        type="button"
        role="switch"
        aria-checked={on && !reducedMotion}
        aria-disabled={reducedMotion || undefined}
        data-forced-off={reducedMotion || undefined}
        title={reducedMotion ? "Off: your system asks for reduced motion" : undefined}
        aria-labelledby="animations-label"
        aria-describedby={reducedMotion ? "animations-reduced" : undefined}
        className={styles.switch}
        onClick={() => !reducedMotion && setOn(!on)}
      >
        <span className={styles.knob} />
      </button>
      {reducedMotion ? (
        <span id="animations-reduced" className="chiron-sr-only">
          Your system asks for reduced motion, so animations stay off.
        </span>
      ) : null}
    </div>
  );
}

const ROLE_WORD: Record<string, string> = {
  "org:viewer": "viewer",
  "org:operator": "operator",
  "org:director": "director",
  "org:admin": "admin",
};

export function OperatorChip({ me, signOut }: Pick<Session, "me" | "signOut">) {
  const name = me?.name ?? me?.subject ?? "operator";
  const role = me?.role ? (ROLE_WORD[me.role] ?? me.role) : me?.subject.startsWith("client:") ? "api key" : "ops";
  return (
    <div className={styles.chip}>
      <span className={styles.avatar} aria-hidden>
        {initials(name)}
      </span>
      <span className={styles.who} title={me?.subject}>
        <span className={styles.role} data-testid="operator-station">
          {me?.station ? `${me.station} · ` : ""}
          {role} ·
        </span>{" "}
        <strong>{name}</strong>
      </span>
      <button type="button" className={styles.signOut} onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        Sign out
      </button>
    </div>
  );
}
