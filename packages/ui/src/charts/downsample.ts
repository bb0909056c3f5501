/**
 * Fewer points for a chart narrower than its data: per pixel column (by index, the data's times
 * being evenly spaced buckets) keeps the column's first and last point and the points holding its
 * lowest and highest value, and its lowest `min` / highest `max` when the data has an envelope.
 * So a one-bucket spike is never dropped (issue #20): what the column held is still drawn.
 * Returns the data itself when it has no more points than columns.
 */
export function downsampleToWidth<Datum>(
  data: readonly Datum[],
  columns: number,
  getY: (d: Datum) => number,
  getMin?: (d: Datum) => number,
  getMax?: (d: Datum) => number,
): readonly Datum[] {
  const n = data.length;
  const cols = Math.max(1, Math.floor(columns));
  if (n <= cols * 2) return data;
  const out: Datum[] = [];
  const per = n / cols;
  for (let c = 0; c < cols; c++) {
    const start = Math.floor(c * per);
    const end = Math.min(n, Math.floor((c + 1) * per));
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    let envLo = start;
    let envHi = start;
    for (let i = start + 1; i < end; i++) {
      const y = getY(data[i]!);
      if (y < getY(data[lo]!)) lo = i;
      if (y > getY(data[hi]!)) hi = i;
      if (getMin && getMin(data[i]!) < getMin(data[envLo]!)) envLo = i;
      if (getMax && getMax(data[i]!) > getMax(data[envHi]!)) envHi = i;
    }
    const keep = [...new Set([start, lo, hi, envLo, envHi, end - 1])].sort((a, b) => a - b);
    for (const i of keep) out.push(data[i]!);
  }
  return out;
}
