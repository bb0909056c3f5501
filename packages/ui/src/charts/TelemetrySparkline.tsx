"use client";
/**
 * TelemetrySparkline: a metric's recent history as a line over a soft gradient
 * area, with the last value marked. New points morph the path in place. With `getMin` / `getMax`
 * (bucketed data) it also draws each bucket's min–max envelope behind the line, so a spike inside
 * a bucket is never averaged away.
 *
 * The morph runs on the shared frame clock (`motion/frame-clock.ts`, 20 frames/s, one frame for
 * every animation on the page) and writes the path and marker attributes directly, without a
 * React render per frame. Points are matched by time, so when the window moves the line slides
 * left and the new point grows out of the previous last one.
 */
import { area } from "@visx/shape";
import { useId, useMemo, useRef, type SVGProps } from "react";
import { useFrameMorph, type MorphOptions } from "../motion/frame-clock";
import { useMotionEnabled } from "../motion/MotionPreference";
import { VisuallyHidden } from "../effects/VisuallyHidden";
import { inkColor, severityTokens } from "../severity/tokens";
import { formatValue as defaultFormat, withUnit } from "./format";
import { scaleLinear } from "./scales";
import { sparkArea, sparkLine } from "./spark-path";

export type TelemetrySparklineProps<Datum> = Omit<SVGProps<SVGSVGElement>, "children" | "width" | "height"> & {
  /** Points, oldest first. */
  data: readonly Datum[];
  /** Time of a point, in epoch milliseconds. */
  getX: (d: Datum) => number;
  /** Value of a point (for a bucket, its mean or last reading). */
  getY: (d: Datum) => number;
  /** Lowest reading in a point's bucket: draws the min–max envelope (with `getMax`). */
  getMin?: (d: Datum) => number;
  /** Highest reading in a point's bucket. */
  getMax?: (d: Datum) => number;
  /** The latest reading, stated in the text alternative (default: the last point's value). */
  latest?: number | null;
  /** Width in px. */
  width: number;
  /** Height in px. */
  height: number;
  /** Accessible name of the chart, e.g. "Bus current". */
  label: string;
  /** Unit appended to values in the text alternative. */
  unit?: string | null;
  /** Stroke colour; neutral data ink unless a threshold is crossed. */
  color?: string;
  /** Draws a dashed reference line at this value (the threshold in force). */
  threshold?: number | null;
  /** Silent source: greyed, dashed tail, no live marker glow. */
  stale?: boolean;
  /** Formats values in the text alternative. */
  formatValue?: (value: number) => string;
  /** Inner padding in px so the marker is never clipped. */
  padding?: number;
};

export function TelemetrySparkline<Datum>({
  data,
  getX,
  getY,
  getMin,
  getMax,
  latest = null,
  width,
  height,
  label,
  unit,
  color = inkColor,
  threshold = null,
  stale = false,
  formatValue = defaultFormat,
  padding = 5,
  className,
  ...rest
}: TelemetrySparklineProps<Datum>) {
  const uid = useId().replace(/:/g, "");
  const animate = useMotionEnabled();
  const stroke = stale ? severityTokens.stale.color : color;

  const xScale = useMemo(() => {
    const xs = data.map(getX);
    const min = xs.length ? Math.min(...xs) : 0;
    const max = xs.length ? Math.max(...xs) : 1;
    return scaleLinear({ domain: [min, max === min ? min + 1 : max], range: [padding, width - padding] });
  }, [data, getX, width, padding]);

  const lo = useMemo(() => (getMin ? data.map(getMin) : null), [data, getMin]);
  const hi = useMemo(() => (getMax ? data.map(getMax) : null), [data, getMax]);
  const yScale = useMemo(() => {
    const ys = data.map(getY);
    if (lo) ys.push(...lo);
    if (hi) ys.push(...hi);
    if (threshold !== null && Number.isFinite(threshold)) ys.push(threshold);
    let min = ys.length ? Math.min(...ys) : 0;
    let max = ys.length ? Math.max(...ys) : 1;
    if (max === min) {
      min -= 1;
      max += 1;
    }
    const pad = (max - min) * 0.08;
    return scaleLinear({ domain: [min - pad, max + pad], range: [height - padding, padding] });
  }, [data, getY, lo, hi, threshold, height, padding]);

  const points = useMemo(
    () => data.map((d): Point => ({ key: getX(d), x: xScale(getX(d)), y: yScale(getY(d)) })),
    [data, getX, getY, xScale, yScale],
  );
  // Built once per data change; the morph's frames build their own (the line once for both).
  const [linePath, areaPath] = useMemo(() => sparkPaths(points, height), [points, height]);
  // The envelope is redrawn with each render (it does not morph): straight segments, so a
  // smoothed curve never rounds a one-bucket spike off.
  const envelopePath = useMemo(
    () => (lo && hi ? (area<number>({ x: (i) => points[i]!.x, y0: (i) => yScale(lo[i]!), y1: (i) => yScale(hi[i]!) })(lo.map((_, i) => i)) ?? "") : null),
    [lo, hi, points, yScale],
  );
  const last = points[points.length - 1] ?? null;

  // The morph: path and marker written on the frame clock, no React render per frame.
  const lineRef = useRef<SVGPathElement>(null);
  const areaRef = useRef<SVGPathElement>(null);
  const markerRef = useRef<SVGGElement>(null);
  useFrameMorph(
    points,
    animate,
    (pts) => {
      const end = pts[pts.length - 1];
      if (pts.length > 1) {
        const [l, a] = sparkPaths(pts, height);
        lineRef.current?.setAttribute("d", l);
        areaRef.current?.setAttribute("d", a);
      }
      if (end) markerRef.current?.setAttribute("transform", `translate(${end.x}, ${end.y})`);
    },
    MORPH,
  );

  // The text alternative states what the cell shows: the latest reading, and the window's lowest
  // and highest readings (the envelope's, when there is one), never a mean standing in for them.
  const summary = useMemo(() => {
    if (!data.length) return `${label}: no data yet.`;
    const ys = data.map(getY);
    const fmt = (v: number) => withUnit(formatValue(v), unit);
    const now = latest ?? ys[ys.length - 1]!;
    const min = Math.min(...(lo ?? ys), now);
    const max = Math.max(...(hi ?? ys), now);
    return `${label}: latest ${fmt(now)}; window min ${fmt(min)}, max ${fmt(max)}, over ${data.length} points${stale ? "; source is stale" : ""}.`;
  }, [data, getY, lo, hi, latest, label, unit, formatValue, stale]);

  const marker = (
    <>
      {!stale ? <circle r={7} fill={stroke} fillOpacity={0.22} /> : null}
      <circle r={3.6} fill={stale ? "#0a0e17" : "#edf1f7"} stroke={stroke} strokeWidth={1.6} />
    </>
  );
  const descId = `spark-desc-${uid}`;
  const areaProps = { fill: `url(#spark-fill-${uid})` };
  const lineProps = {
    fill: "none",
    stroke,
    strokeWidth: 1.6,
    strokeLinecap: "round" as const,
    strokeDasharray: stale ? "4 3" : undefined,
  };

  return (
    <>
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={label}
        aria-describedby={descId}
        className={["chiron-sparkline", className].filter(Boolean).join(" ")}
        data-stale={stale || undefined}
        data-animated={animate || undefined}
        {...rest}
      >
        <defs>
          <linearGradient id={`spark-fill-${uid}`} x1="0" y1="0" x2="0" y2="1">
            <stop offset="0%" stopColor={stroke} stopOpacity={0.28} />
            <stop offset="100%" stopColor={stroke} stopOpacity={0} />
          </linearGradient>
        </defs>
        {threshold !== null && Number.isFinite(threshold) ? (
          <line
            x1={padding}
            x2={width - padding}
            y1={yScale(threshold)}
            y2={yScale(threshold)}
            stroke={stroke}
            strokeOpacity={0.7}
            strokeDasharray="3 4"
            strokeWidth={1}
          />
        ) : null}
        {data.length > 1 ? (
          <>
            <path ref={areaRef} d={areaPath} {...areaProps} />
            {envelopePath !== null ? <path d={envelopePath} className="chiron-sparkline__envelope" fill={stroke} fillOpacity={0.2} /> : null}
            <path ref={lineRef} d={linePath} {...lineProps} />
          </>
        ) : null}
        {last ? (
          <g ref={markerRef} transform={`translate(${last.x}, ${last.y})`}>
            {marker}
          </g>
        ) : null}
      </svg>
      <VisuallyHidden id={descId}>{summary}</VisuallyHidden>
    </>
  );
}

type Point = { key: number; x: number; y: number };

/** The line and the area under it (down to `height`), as d3's monotone-x curve draws them. */
function sparkPaths(pts: readonly Point[], height: number): [string, string] {
  const n = pts.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = pts[i]!.x;
    ys[i] = pts[i]!.y;
  }
  const l = sparkLine(xs, ys);
  return [l, sparkArea(xs, l, height)];
}

/**
 * Where each target point starts its morph: where the same time was drawn before, or, for a time
 * that was not on screen, where the nearest earlier drawn point was (new points grow out of the
 * previous end of the line). Null when there is nothing to morph from or to.
 */
export function morphStart(from: readonly Point[], to: readonly Point[]): Point[] | null {
  if (from.length === 0 || to.length < 2) return null;
  const before = new Map(from.map((p) => [p.key, p]));
  let anchor: Point | undefined;
  return to.map((p) => {
    const was = before.get(p.key);
    if (was) {
      anchor = was;
      return { key: p.key, x: was.x, y: was.y };
    }
    const base = anchor ?? from.find((q) => q.key > p.key) ?? from[0]!;
    return { key: p.key, x: base.x, y: base.y };
  });
}

function lerpPoints(from: readonly Point[], to: readonly Point[], t: number): readonly Point[] {
  return to.map((p, i) => {
    const f = from[i]!;
    return { key: p.key, x: f.x + (p.x - f.x) * t, y: f.y + (p.y - f.y) * t };
  });
}

/** New points morph in over 600 ms, each from where its time was drawn. */
const MORPH: MorphOptions<readonly Point[]> = { durationMs: 600, mix: lerpPoints, start: morphStart };
