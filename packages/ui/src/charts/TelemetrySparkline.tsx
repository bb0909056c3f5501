"use client";
/**
 * TelemetrySparkline: a metric's recent history as a line over a soft gradient
 * area, with the last value marked. New points morph the path in place.
 */
import { curveMonotoneX } from "@visx/curve";
import { LinearGradient } from "@visx/gradient";
import { area, line } from "@visx/shape";
import * as m from "motion/react-m";
import { useId, useMemo, type SVGProps } from "react";
import { useMotionEnabled } from "../motion/MotionPreference";
import { VisuallyHidden } from "../effects/VisuallyHidden";
import { inkColor, severityTokens } from "../severity/tokens";
import { formatValue as defaultFormat, withUnit } from "./format";
import { scaleLinear } from "./scales";

export type TelemetrySparklineProps<Datum> = Omit<SVGProps<SVGSVGElement>, "children" | "width" | "height"> & {
  /** Points, oldest first. */
  data: readonly Datum[];
  /** Time of a point, in epoch milliseconds. */
  getX: (d: Datum) => number;
  /** Value of a point. */
  getY: (d: Datum) => number;
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

  const yScale = useMemo(() => {
    const ys = data.map(getY);
    if (threshold !== null && Number.isFinite(threshold)) ys.push(threshold);
    let min = ys.length ? Math.min(...ys) : 0;
    let max = ys.length ? Math.max(...ys) : 1;
    if (max === min) {
      min -= 1;
      max += 1;
    }
    const pad = (max - min) * 0.08;
    return scaleLinear({ domain: [min - pad, max + pad], range: [height - padding, padding] });
  }, [data, getY, threshold, height, padding]);

  const { linePath, areaPath, last } = useMemo(() => {
    const x = (d: Datum) => xScale(getX(d));
    const y = (d: Datum) => yScale(getY(d));
    const l = line<Datum>({ x, y, curve: curveMonotoneX });
    const a = area<Datum>({ x, y0: height, y1: y, curve: curveMonotoneX });
    const lastDatum = data[data.length - 1];
    return {
      linePath: l(data as Datum[]) ?? "",
      areaPath: a(data as Datum[]) ?? "",
      last: lastDatum === undefined ? null : { x: x(lastDatum), y: y(lastDatum), value: getY(lastDatum) },
    };
  }, [data, getX, getY, xScale, yScale, height]);

  const summary = useMemo(() => {
    if (!data.length) return `${label}: no data yet.`;
    const ys = data.map(getY);
    const fmt = (v: number) => withUnit(formatValue(v), unit);
    return `${label}: latest ${fmt(ys[ys.length - 1]!)}; range ${fmt(Math.min(...ys))} to ${fmt(
      Math.max(...ys),
    )} over ${data.length} points${stale ? "; source is stale" : ""}.`;
  }, [data, getY, label, unit, formatValue, stale]);

  const transition = { duration: 0.6, ease: "easeOut" as const };
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
        <LinearGradient id={`spark-fill-${uid}`} from={stroke} to={stroke} fromOpacity={0.28} toOpacity={0} />
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
        {/* With motion off the paths are plain SVG: no animation engine work per update. */}
        {data.length > 1 ? (
          animate ? (
            <>
              <m.path initial={false} animate={{ d: areaPath }} transition={transition} {...areaProps} />
              <m.path initial={false} animate={{ d: linePath }} transition={transition} {...lineProps} />
            </>
          ) : (
            <>
              <path d={areaPath} {...areaProps} />
              <path d={linePath} {...lineProps} />
            </>
          )
        ) : null}
        {last ? (
          animate ? (
            <m.g initial={false} animate={{ x: last.x, y: last.y }} transition={transition}>
              {marker}
            </m.g>
          ) : (
            <g transform={`translate(${last.x}, ${last.y})`}>{marker}</g>
          )
        ) : null}
      </svg>
      <VisuallyHidden id={descId}>{summary}</VisuallyHidden>
    </>
  );
}
