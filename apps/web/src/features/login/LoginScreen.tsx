"use client";
/** Sign-in: single sign-on first, the development issuer as a quiet second path. */
import { AuroraBackground, NoiseOverlay, SeverityBadge, SeverityIcon } from "@chiron/ui";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { hhmmss } from "@/lib/format";
import { HttpError } from "@/lib/http";
import { useNow } from "@/lib/use-now";
import { Brand } from "../dashboard/Brand";
import { Dial } from "./Dial";
import { DEV_ROLES, DEV_STATIONS, checkDevSignIn, useDevSignIn, type DevRole } from "./useDevSignIn";
import styles from "./login.module.css";

export type LoginScreenProps = {
  site: string;
  fleet: string;
  version: string;
  ssoUrl: string | null;
  ready: { api: boolean; stream: boolean };
  serverNow: number;
};

export function LoginScreen({ site, fleet, version, ssoUrl, ready, serverNow }: LoginScreenProps) {
  const router = useRouter();
  const now = useNow(serverNow);
  const ids = useId();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<DevRole>("org:operator");
  const [station, setStation] = useState<string>("FLIGHT");
  const [devOpen, setDevOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const signIn = useDevSignIn(() => {
    router.replace("/");
    router.refresh();
  });

  const submitDev = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const checked = await checkDevSignIn(email, name, role, station);
    if (!checked.ok) {
      setFormError(checked.error);
      return;
    }
    signIn.mutate(checked.value);
  };

  const apiError =
    signIn.error instanceof HttpError
      ? signIn.error.status === 404
        ? "The development issuer is not enabled on this API."
        : signIn.error.message
      : signIn.error
        ? "Could not reach the Chiron API."
        : null;
  const error = formError ?? apiError;

  return (
    <>
      <AuroraBackground severity="go" focus={0.15} />
      <NoiseOverlay opacity={0.015} />
      <div className={styles.page}>
        <header className={styles.top}>
          <Brand />
          <p className={styles.site}>
            {site} <span className="mono">{fleet}</span>
          </p>
        </header>
        <main className={styles.main}>
          <section className={styles.intro} aria-labelledby="headline">
            <p className={styles.kicker}>
              <span aria-hidden className={styles.rule} /> Telemetry command surface
            </p>
            <h1 id="headline" className={styles.headline}>
              Every gate, every signal.
              <br />
              <span>One calm screen.</span>
            </h1>
            <p className={styles.lede}>
              Go, hold and no-go for every checkpoint, live from the fleet, with the reason beside each call.
            </p>
            <ul className={styles.states} aria-label="The four states">
              <li>
                <SeverityBadge severity="go" variant="pill" />
              </li>
              <li>
                <SeverityBadge severity="hold" variant="pill" />
              </li>
              <li>
                <SeverityBadge severity="no-go" variant="pill" />
              </li>
              <li>
                <SeverityBadge severity="stale" variant="pill" detail="2m" />
              </li>
            </ul>
          </section>
          <div className={styles.cardWrap}>
            <Dial />
            <form className={styles.card} onSubmit={submitDev} noValidate aria-labelledby={`${ids}-title`}>
              <p className={styles.cardKicker}>Operator access</p>
              <h2 id={`${ids}-title`} className={styles.cardTitle}>
                Sign in
              </h2>
              <p className={styles.cardText}>Use your organisation account. Chiron trades it for a short-lived service token.</p>
              <label className={styles.label} htmlFor={`${ids}-email`}>
                Work email
              </label>
              <input
                id={`${ids}-email`}
                className={styles.input}
                type="email"
                autoComplete="email"
                placeholder="name@ridgeline.ops"
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                aria-invalid={formError ? true : undefined}
                aria-describedby={error ? `${ids}-error` : undefined}
                required
              />
              <button
                type="button"
                className={styles.primary}
                disabled={!ssoUrl}
                onClick={() => ssoUrl && window.location.assign(ssoUrl)}
                aria-describedby={!ssoUrl ? `${ids}-sso` : undefined}
              >
                Continue with single sign-on <span aria-hidden>→</span>
              </button>
              {!ssoUrl ? (
                <p id={`${ids}-sso`} className={styles.note}>
                  Single sign-on is not configured on this deployment.
                </p>
              ) : null}
              <div className={styles.or} aria-hidden>
                <span>OR</span>
              </div>
              {devOpen ? (
                <div className={styles.dev}>
                  <label className={styles.label} htmlFor={`${ids}-name`}>
                    Display name <span className={styles.optional}>(optional)</span>
                  </label>
                  <input
                    id={`${ids}-name`}
                    className={styles.input}
                    autoComplete="name"
                    placeholder="M. Reyes"
                    value={name}
                    onChange={(e) => setName(e.target.value)}
                  />
                  <label className={styles.label} htmlFor={`${ids}-role`}>
                    Role
                  </label>
                  <select id={`${ids}-role`} className={styles.input} value={role} onChange={(e) => setRole(e.target.value as DevRole)}>
                    {DEV_ROLES.map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                  <label className={styles.label} htmlFor={`${ids}-station`}>
                    Station
                  </label>
                  <select id={`${ids}-station`} className={styles.input} value={station} onChange={(e) => setStation(e.target.value)}>
                    {DEV_STATIONS.map((s) => (
                      <option key={s} value={s}>
                        {s}
                      </option>
                    ))}
                  </select>
                  <button type="submit" className={styles.secondary} disabled={signIn.isPending}>
                    {signIn.isPending ? "Signing in…" : "Sign in with development issuer"}
                  </button>
                </div>
              ) : (
                <button type="button" className={styles.secondary} onClick={() => setDevOpen(true)}>
                  <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
                    <circle cx="7.5" cy="15.5" r="3.5" />
                    <path d="M10 13l9-9M16 7l2.5 2.5M14 9l2 2" />
                  </svg>
                  Development issuer <span className={styles.local}>LOCAL</span>
                </button>
              )}
              {error ? (
                <p id={`${ids}-error`} className={styles.error} role="alert">
                  <SeverityIcon severity="no-go" size={14} /> {error}
                </p>
              ) : null}
              <p className={styles.fine}>
                <svg width="12" height="12" viewBox="0 0 24 24" aria-hidden fill="none" stroke="currentColor" strokeWidth="2">
                  <rect x="5" y="11" width="14" height="10" rx="2" />
                  <path d="M8 11V8a4 4 0 0 1 8 0v3" />
                </svg>
                Tokens last 15 minutes and renew while this screen is open. No access yet? Ask an admin for an invite.
              </p>
            </form>
          </div>
        </main>
        <footer className={styles.footer}>
          <span>Chiron {version}</span>
          <span className={styles.ready}>
            <span data-ok={ready.api}>
              <SeverityIcon severity={ready.api ? "go" : "no-go"} size={13} /> API {ready.api ? "ready" : "unreachable"}
            </span>
            <span data-ok={ready.stream}>
              <SeverityIcon severity={ready.stream ? "go" : "no-go"} size={13} /> Stream {ready.stream ? "ready" : "unavailable"}
            </span>
            <time className="mono">{hhmmss(now)} UTC</time>
          </span>
        </footer>
      </div>
    </>
  );
}
