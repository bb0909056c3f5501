"use client";
/**
 * TelemetryRadialGauge: one value on an open arc, read against its warn and
 * critical bands, with the number and unit large in the middle. The value arc
 * sweeps to new readings on the shared frame clock, writing the arc and knob
 * attributes directly (instantly when motion is off).
 */
import { useId, useMemo, useRef, type SVGProps } from "react";
import { easeOutQuint, useFrameTween } from "../motion/frame-clock";
import { useMotionEnabled } from "../motion/MotionPreference";
import { VisuallyHidden } from "../effects/VisuallyHidden";
import { levelColor, levelWord, type MetricLevel } from "../severity/tokens";
import { formatValue as defaultFormat, typographicMinus, withUnit } from "./format";
import { thresholdBands, type Direction } from "./levels";
import { scaleLinear } from "./scales";

export type TelemetryRadialGaugeProps = Omit<SVGProps<SVGSVGElement>, "children" | "values"> & {
  /** Current value (null: no reading yet). */
  value: number | null;
  /** Lower end of the scale. */
  min: number;
  /** Upper end of the scale. */
  max: number;
  /** Warn threshold, if any. */
  warn?: number | null;
  /** Critical threshold, if any. */
  critical?: number | null;
  /** Which side of the thresholds is bad. */
  direction?: Direction | null;
  /** Unit shown under the number. */
  unit?: string | null;
  /** Accessible name, e.g. "Core temp". */
  label: string;
  /** The level the server gave this value (ok / warn / critical): drawn, never computed here. */
  level: MetricLevel;
  /** Silent source: grey arc, hatched face, no colour. */
  stale?: boolean;
  /** Outer size in px (square). */
  size?: number;
  /** Draw the severity word under the unit. */
  showSeverity?: boolean;
  /** Formats the centre number and the text alternative. */
  formatValue?: (value: number) => string;
};

/** The track and value arcs: 9 px strokes with round ends. */
const TRACK = { fill: "none", strokeWidth: 9, strokeLinecap: "round" as const };

/**
 * An arc of radius `r` around 0,0 from angle `a0` to `a1` (radians, 0 at 12 o'clock, clockwise),
 * as a path to stroke: the gauge's rings without a general-purpose arc generator in the bundle.
 */
export function arcD(r: number, a0: number, a1: number): string {
  const at = (a: number) => `${+(Math.sin(a) * r).toFixed(2)} ${+(-Math.cos(a) * r).toFixed(2)}`;
  return `M${at(a0)}A${r} ${r} 0 ${a1 - a0 > Math.PI ? 1 : 0} 1 ${at(a1)}`;
}

/** The value arc's sweep to a new reading. */
const SWEEP = { durationMs: 900, ease: easeOutQuint };

const START = (-125 * Math.PI) / 180;
const END = (125 * Math.PI) / 180;

export function TelemetryRadialGauge({
  value,
  min,
  max,
  warn = null,
  critical = null,
  direction = "above",
  unit,
  label,
  level,
  stale = false,
  size = 150,
  showSeverity = true,
  formatValue = defaultFormat,
  className,
  ...rest
}: TelemetryRadialGaugeProps) {
  const uid = useId().replace(/:/g, "");
  const motionOn = useMotionEnabled();
  const color = levelColor(level, stale);
  const center = size / 2;
  const radius = size / 2 - 14;

  const angleScale = useMemo(
    () => scaleLinear({ domain: [min, max], range: [START, END], clamp: true }),
    [min, max],
  );
  const bandR = radius + 9.25;
  const bands = useMemo(
    () => thresholdBands(min, max, warn, critical, direction),
    [min, max, warn, critical, direction],
  );

  const target = value === null ? START : angleScale(value);
  const valueD = (a: number) => (a <= START + 0.001 ? "" : arcD(radius, START, a));
  const knob = (a: number) => ({ x: center + Math.sin(a) * radius, y: center - Math.cos(a) * radius });

  // The sweep: arc and knob written on the frame clock, no React render per frame.
  const arcRef = useRef<SVGPathElement>(null);
  const knobRefs = useRef<(SVGCircleElement | null)[]>([]);
  useFrameTween(
    target,
    motionOn,
    (a) => {
      arcRef.current?.setAttribute("d", valueD(a));
      const { x, y } = knob(a);
      for (const el of knobRefs.current) {
        el?.setAttribute("cx", String(x));
        el?.setAttribute("cy", String(y));
      }
    },
    SWEEP,
  );
  const knobAt = knob(target);

  const shown = value === null ? "—" : typographicMinus(formatValue(value));
  const word = stale ? "STALE" : levelWord[level];
  const thresholdText = [
    warn !== null ? `warn ${direction === "below" ? "below" : "above"} ${formatValue(warn)}` : null,
    critical !== null ? `critical ${direction === "below" ? "below" : "above"} ${formatValue(critical)}` : null,
  ]
    .filter(Boolean)
    .join(", ");
  const description = `${label}: ${value === null ? "no reading" : withUnit(formatValue(value), unit)}, ${word}${
    thresholdText ? ` (${thresholdText})` : ""
  }; scale ${formatValue(min)} to ${formatValue(max)}.`;
  const descId = `gauge-desc-${uid}`;
  const endPoint = (a: number, r: number) => [center + Math.sin(a) * r, center - Math.cos(a) * r] as const;
  const [minX, minY] = endPoint(START, radius + 2);
  const [maxX, maxY] = endPoint(END, radius + 2);

  return (
    <>
      <svg
        width={size}
        height={size}
        viewBox={`0 0 ${size} ${size}`}
        role="img"
        aria-label={label}
        aria-describedby={descId}
        className={["chiron-gauge", className].filter(Boolean).join(" ")}
        data-level={level}
        data-stale={stale || undefined}
        data-animated={motionOn || undefined}
        {...rest}
      >
        <defs>
          <linearGradient id={`gauge-value-${uid}`} gradientUnits="userSpaceOnUse" x1={-radius} y1={radius} x2={radius} y2={-radius}>
            <stop offset="0%" stopColor={color} stopOpacity={0.55} />
            <stop offset="100%" stopColor={color} stopOpacity={1} />
          </linearGradient>
        </defs>
        <g transform={`translate(${center}, ${center})`}>
          <path d={arcD(radius, START, END)} {...TRACK} stroke="rgba(255,255,255,0.07)" />
          {bands.map((b) => (
            <path
              key={b.level}
              d={arcD(bandR, angleScale(b.from), angleScale(b.to))}
              fill="none"
              strokeWidth={2.5}
              stroke={levelColor(b.level, stale)}
              strokeOpacity={stale ? 0.35 : 0.9}
              data-band={b.level}
            />
          ))}
          <path ref={arcRef} d={valueD(target)} {...TRACK} stroke={`url(#gauge-value-${uid})`} />
        </g>
        {value !== null ? (
          <>
            <circle ref={(el) => void (knobRefs.current[0] = el)} cx={knobAt.x} cy={knobAt.y} r={8} fill={color} fillOpacity={stale ? 0 : 0.25} />
            <circle ref={(el) => void (knobRefs.current[1] = el)} cx={knobAt.x} cy={knobAt.y} r={4} fill={stale ? color : "#edf1f7"} />
          </>
        ) : null}
        <text
          x={center}
          y={center + (showSeverity ? 2 : 6)}
          textAnchor="middle"
          className="chiron-gauge__value"
          fill={stale ? "#b3bccb" : "#edf1f7"}
          fontSize={Math.round(size * 0.24)}
        >
          {shown}
        </text>
        {unit ? (
          <text x={center} y={center + (showSeverity ? 20 : 26)} textAnchor="middle" className="chiron-gauge__unit" fill="#b3bccb" fontSize={12}>
            {unit}
          </text>
        ) : null}
        {showSeverity ? (
          <text x={center} y={center + 38} textAnchor="middle" className="chiron-gauge__word" fill={color} fontSize={11} fontWeight={700}>
            {word}
          </text>
        ) : null}
        <text x={minX} y={minY + 18} textAnchor="middle" className="chiron-gauge__tick" fill="#8e9aae" fontSize={11}>
          {typographicMinus(formatValue(min))}
        </text>
        <text x={maxX} y={maxY + 18} textAnchor="middle" className="chiron-gauge__tick" fill="#8e9aae" fontSize={11}>
          {typographicMinus(formatValue(max))}
        </text>
      </svg>
      <VisuallyHidden id={descId}>{description}</VisuallyHidden>
    </>
  );
}
