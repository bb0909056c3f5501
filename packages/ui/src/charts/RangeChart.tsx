"use client";
/**
 * RangeChart: a metric over a time range, large: each bucket's min–max as a band, the mean as a
 * line, warn / critical lines, event markers, and a read-out that follows the pointer or the
 * arrow keys. The text alternative is the caller's (a summary and a table next to it).
 */
import { area, line } from "@visx/shape";
import { useMemo, useState, type KeyboardEvent, type PointerEvent, type SVGProps } from "react";
import { severityTokens } from "../severity/tokens";
import { formatValue as defaultFormat } from "./format";
import { scaleLinear, scaleTime } from "./scales";

export type RangeChartMarker = { key: string; t: number; label: string; color?: string };

export type RangeChartProps<Datum> = Omit<SVGProps<SVGSVGElement>, "children" | "width" | "height"> & {
  /** Buckets, oldest first. */
  data: readonly Datum[];
  /** Bucket start, epoch ms. */
  getX: (d: Datum) => number;
  /** The bucket's mean. */
  getY: (d: Datum) => number;
  /** The bucket's lowest reading. */
  getMin: (d: Datum) => number;
  /** The bucket's highest reading. */
  getMax: (d: Datum) => number;
  /** The axis, epoch ms. */
  from: number;
  to: number;
  /** Width and height in px. */
  width: number;
  height: number;
  /** Accessible name. */
  label: string;
  /** Threshold lines from the server (null: none). */
  warn?: number | null;
  critical?: number | null;
  /** Events in the range, drawn as ticks along the top. */
  markers?: readonly RangeChartMarker[];
  /** Formats values on the axis and in the read-out. */
  formatValue?: (v: number) => string;
  /** Formats times in the read-out and on the axis. */
  formatTime?: (t: number) => string;
};

const M = { top: 18, right: 16, bottom: 24, left: 56 };

export function RangeChart<Datum>({
  data,
  getX,
  getY,
  getMin,
  getMax,
  from,
  to,
  width,
  height,
  label,
  warn = null,
  critical = null,
  markers = [],
  formatValue = defaultFormat,
  formatTime = (t) => new Date(t).toISOString().slice(11, 19),
  ...rest
}: RangeChartProps<Datum>) {
  const [hover, setHover] = useState<number | null>(null);
  const x = useMemo(() => scaleTime({ domain: [from, to], range: [M.left, width - M.right] }), [from, to, width]);
  const y = useMemo(() => {
    const vals = data.flatMap((d) => [getMin(d), getMax(d)]);
    for (const t of [warn, critical]) if (t !== null) vals.push(t);
    let lo = vals.length ? Math.min(...vals) : 0;
    let hi = vals.length ? Math.max(...vals) : 1;
    if (hi - lo < 1e-9) {
      lo -= 1;
      hi += 1;
    }
    const pad = (hi - lo) * 0.08;
    return scaleLinear({ domain: [lo - pad, hi + pad], range: [height - M.bottom, M.top] });
  }, [data, getMin, getMax, warn, critical, height]);
  const band = useMemo(
    () =>
      area<Datum>({ x: (d) => x(getX(d)), y0: (d) => y(getMin(d)), y1: (d) => y(getMax(d)) })(data as Datum[]) ?? "",
    [data, x, y, getX, getMin, getMax],
  );
  const mean = useMemo(() => line<Datum>({ x: (d) => x(getX(d)), y: (d) => y(getY(d)) })(data as Datum[]) ?? "", [data, x, y, getX, getY]);
  const ticks = x.ticks(Math.max(2, Math.floor(width / 140)));
  const nearest = (px: number) => {
    let best = -1;
    let dist = Number.POSITIVE_INFINITY;
    data.forEach((d, i) => {
      const dd = Math.abs(x(getX(d)) - px);
      if (dd < dist) {
        dist = dd;
        best = i;
      }
    });
    return best < 0 ? null : best;
  };
  const onMove = (e: PointerEvent<SVGSVGElement>) => setHover(nearest(e.clientX - e.currentTarget.getBoundingClientRect().left));
  const onKey = (e: KeyboardEvent<SVGSVGElement>) => {
    if (!data.length) return;
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : e.key === "End" ? data.length : e.key === "Home" ? -data.length : 0;
    if (!step) return;
    e.preventDefault();
    setHover((h) => Math.max(0, Math.min(data.length - 1, (h ?? (step > 0 ? -1 : data.length)) + step)));
  };
  const h = hover !== null ? data[hover] : undefined;
  const readout = h ? `${formatTime(getX(h))}: mean ${formatValue(getY(h))}, min ${formatValue(getMin(h))}, max ${formatValue(getMax(h))}` : null;
  const thresholds = [
    { v: warn, color: severityTokens.hold.color, name: "warn" },
    { v: critical, color: severityTokens["no-go"].color, name: "critical" },
  ];
  return (
    <div style={{ position: "relative" }}>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={label}
        tabIndex={0}
        onPointerMove={onMove}
        onPointerLeave={() => setHover(null)}
        onKeyDown={onKey}
        onBlur={() => setHover(null)}
        {...rest}
      >
        {ticks.map((t) => (
          <g key={+t}>
            <line x1={x(t)} x2={x(t)} y1={M.top} y2={height - M.bottom} stroke="rgba(255,255,255,0.06)" />
            <text x={x(t)} y={height - 6} fill="#8e9aae" fontSize={11} textAnchor="middle">
              {formatTime(+t)}
            </text>
          </g>
        ))}
        <path d={band} fill="rgba(163,189,227,0.22)" data-part="band" />
        <path d={mean} fill="none" stroke="#a3bde3" strokeWidth={2} data-part="mean" />
        {thresholds.map((t) =>
          t.v === null ? null : (
            <g key={t.name} data-part={t.name}>
              <line x1={M.left} x2={width - M.right} y1={y(t.v)} y2={y(t.v)} stroke={t.color} strokeDasharray="6 4" />
              <text x={M.left - 6} y={y(t.v) + 4} fill={t.color} fontSize={11} textAnchor="end">
                {formatValue(t.v)}
              </text>
            </g>
          ),
        )}
        {markers.map((m) =>
          m.t < from || m.t > to ? null : (
            <g key={m.key} data-part="marker">
              <title>{m.label}</title>
              <line x1={x(m.t)} x2={x(m.t)} y1={M.top - 8} y2={height - M.bottom} stroke={m.color ?? "#8aa9ff"} strokeOpacity={0.6} />
              <circle cx={x(m.t)} cy={M.top - 8} r={4} fill={m.color ?? "#8aa9ff"} />
            </g>
          ),
        )}
        {h ? (
          <g data-part="cursor">
            <line x1={x(getX(h))} x2={x(getX(h))} y1={M.top} y2={height - M.bottom} stroke="#edf1f7" strokeOpacity={0.5} />
            <circle cx={x(getX(h))} cy={y(getY(h))} r={4} fill="#edf1f7" />
          </g>
        ) : null}
      </svg>
      <p aria-live="polite" data-testid="range-readout" style={{ margin: "4px 0 0", minHeight: "1.3em", fontSize: 12, color: "#b3bccb" }}>
        {readout ?? "Point at the chart, or focus it and use the arrow keys, to read a bucket."}
      </p>
    </div>
  );
}
