/**
 * Threshold geometry for drawing (pure, unit-tested). Which level a value is at is the server's
 * call: primitives take a `level` prop and never compute one from the thresholds.
 */

export type Direction = "above" | "below";

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
