/** Threshold arithmetic shared by gauges and the app (pure, unit-tested). */
import type { MetricLevel } from "../severity/tokens";

export type Direction = "above" | "below";

/** Which level a value is at, given warn/critical thresholds and the bad direction. */
export function levelFor(
  value: number | null | undefined,
  warn: number | null | undefined,
  critical: number | null | undefined,
  direction: Direction | null | undefined = "above",
): MetricLevel {
  if (value === null || value === undefined || !Number.isFinite(value)) return "ok";
  const beyond = (t: number | null | undefined) =>
    t !== null && t !== undefined && (direction === "below" ? value < t : value > t);
  if (beyond(critical)) return "critical";
  if (beyond(warn)) return "warn";
  return "ok";
}

/** Band segments [from, to] in value space for the warn and critical zones. */
export function thresholdBands(
  min: number,
  max: number,
  warn: number | null | undefined,
  critical: number | null | undefined,
  direction: Direction | null | undefined = "above",
): { level: "warn" | "critical"; from: number; to: number }[] {
  const clamp = (v: number) => Math.min(max, Math.max(min, v));
  const bands: { level: "warn" | "critical"; from: number; to: number }[] = [];
  const hasW = warn !== null && warn !== undefined;
  const hasC = critical !== null && critical !== undefined;
  if (direction === "below") {
    if (hasC) bands.push({ level: "critical", from: min, to: clamp(critical) });
    if (hasW) bands.push({ level: "warn", from: hasC ? clamp(critical) : min, to: clamp(warn) });
  } else {
    if (hasW) bands.push({ level: "warn", from: clamp(warn), to: hasC ? clamp(critical) : max });
    if (hasC) bands.push({ level: "critical", from: clamp(critical), to: max });
  }
  return bands.filter((b) => b.to > b.from);
}
