/** Severity vocabulary shared by every primitive: a word, a shape and a colour, never colour alone. */

export type Severity = "go" | "hold" | "no-go" | "stale";
export type MetricLevel = "ok" | "warn" | "critical";

export type SeverityToken = {
  /** The word shown to operators. */
  word: string;
  /** Main colour (text, icon, arc). */
  color: string;
  /** Glow / aurora tint with alpha. */
  glow: string;
  /** 0..1, how loudly this severity speaks (glow strength, aurora intensity). */
  intensity: number;
};

export const severityTokens: Record<Severity, SeverityToken> = {
  go: { word: "GO", color: "#3dd6a3", glow: "rgba(61, 214, 163, 0.32)", intensity: 0.35 },
  hold: { word: "HOLD", color: "#f2b64c", glow: "rgba(242, 182, 76, 0.42)", intensity: 0.65 },
  "no-go": { word: "NO-GO", color: "#ff6370", glow: "rgba(255, 99, 112, 0.55)", intensity: 1 },
  stale: { word: "STALE", color: "#9aa3b3", glow: "rgba(154, 163, 179, 0.18)", intensity: 0.15 },
};

/** Neutral data ink and the info/deploy accent from the palette. */
export const inkColor = "#a3bde3";
export const infoColor = "#8aa9ff";

/** Metric levels map onto gate severities (ok data stays in neutral ink). */
export const levelToSeverity: Record<MetricLevel, Severity> = { ok: "go", warn: "hold", critical: "no-go" };
export const levelWord: Record<MetricLevel, string> = { ok: "NOMINAL", warn: "WARN", critical: "CRITICAL" };

const rank: Record<Severity, number> = { stale: 0, go: 1, hold: 2, "no-go": 3 };

/** The worst of several severities; stale only wins when nothing is fresh. */
export function worstSeverity(list: readonly Severity[]): Severity {
  let worst: Severity | null = null;
  for (const s of list) if (worst === null || rank[s] > rank[worst]) worst = s;
  return worst ?? "go";
}

/** Data colour for a metric: neutral ink until it crosses a threshold. */
export function levelColor(level: MetricLevel, stale = false): string {
  if (stale) return severityTokens.stale.color;
  return level === "ok" ? inkColor : severityTokens[levelToSeverity[level]].color;
}
