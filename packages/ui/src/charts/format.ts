/** Number formatting shared by the charts and their text alternatives. */

/** Compact, magnitude-aware formatting: 0.21, 12.6, 184, 1.2k. */
export function formatValue(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 10_000) return `${(value / 1000).toFixed(abs >= 100_000 ? 0 : 1)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(1);
  if (abs === 0) return "0";
  return value.toFixed(2);
}

/** Value with its unit, joined the way an operator reads it ("28.4 V", "64 %"). */
export function withUnit(value: string, unit?: string | null): string {
  return unit ? `${value} ${unit}` : value;
}

/** Proper minus sign for negative numbers (typographic, reads better at large sizes). */
export function typographicMinus(text: string): string {
  return text.replace(/^-/, "\u2212");
}
