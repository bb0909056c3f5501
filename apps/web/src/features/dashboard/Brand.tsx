/** Chiron's mark and wordmark. */
import styles from "./dashboard.module.css";

export function Brand() {
  return (
    <span className={styles.brand}>
      <svg width="30" height="30" viewBox="0 0 32 32" aria-hidden>
        <circle cx="16" cy="16" r="14.5" fill="none" stroke="rgba(61,214,163,0.55)" strokeWidth="1.3" />
        <path d="M13 8v11.5M13 14.5l6-6M14.5 13.5l5 4.5" fill="none" stroke="#edf1f7" strokeWidth="1.8" strokeLinecap="round" />
        <circle cx="13" cy="22.5" r="3" fill="none" stroke="#edf1f7" strokeWidth="1.8" />
      </svg>
      <span className={styles.wordmark}>CHIRON</span>
    </span>
  );
}
