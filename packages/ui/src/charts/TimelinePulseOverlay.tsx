"use client";
/**
 * TimelinePulseOverlay: events placed on a shared time axis in labelled lanes;
 * the newest one springs in and arrives as an expanding pulse (a few rings on the shared frame
 * clock, then a static ring). An optional density trace (e.g. ingest rate) runs along the
 * bottom lane ("Ingest"). Times are UTC, hh:mm.
 *
 * Markers never overlap: events of one lane closer than CLUSTER_PX are drawn as one marker (the
 * newest one's glyph) with a count, and every marker or cluster is a focusable button in an HTML
 * layer over the chart; hovering or focusing it expands the cluster into its list of events.
 */
import { spring } from "motion/react";
import { useEffect, useId, useLayoutEffect, useMemo, useRef, type ReactNode, type SVGProps } from "react";
import { animateFrames, onFrames } from "../motion/frame-clock";
import { useMotionEnabled } from "../motion/MotionPreference";
import { VisuallyHidden } from "../effects/VisuallyHidden";
import { inkColor } from "../severity/tokens";
import { scaleLinear, scaleTime } from "./scales";
import { sparkArea, sparkLine } from "./spark-path";

export type DensityPoint = { t: number; v: number };

export type TimelinePulseOverlayProps<Datum> = Omit<SVGProps<SVGSVGElement>, "children" | "width" | "height" | "from" | "to"> & {
  /** Events, any order. */
  events: readonly Datum[];
  /** Stable key of an event. */
  getKey: (d: Datum) => string;
  /** Event time, epoch ms. */
  getTime: (d: Datum) => number;
  /** Lane (one of `lanes`) an event belongs to. */
  getLane: (d: Datum) => string;
  /** One-line description used in the text alternative. */
  getTitle: (d: Datum) => string;
  /** Marker colour (also the pulse colour). */
  getColor?: (d: Datum) => string;
  /** Draws the marker centred on 0,0; a ringed dot when omitted. */
  renderMarker?: (d: Datum) => ReactNode;
  /** Lane labels, top to bottom. */
  lanes: readonly string[];
  /** Window start, epoch ms. */
  from: number;
  /** Window end ("now"), epoch ms. */
  to: number;
  /** Width in px. */
  width: number;
  /** Height in px. */
  height: number;
  /** Accessible name of the chart. */
  label: string;
  /** Optional trace for the last lane (e.g. ingest rate). */
  density?: readonly DensityPoint[];
};

/** The density trace's lane (after `lanes`). */
const DENSITY = "Ingest";
const GUTTER = 64;
/** Where the time axis starts and ends inside the chart (px from each side), for overlays such as a brush. */
export const TIMELINE_PLOT_INSET = { left: GUTTER, right: 16 } as const;
const AXIS = 24;
/** Two markers of one lane closer than this (px) would overlap: they are drawn as one cluster. */
export const CLUSTER_PX = 28;

export type Cluster<Datum> = { key: string; lane: string; x: number; events: Datum[] };

/**
 * Groups each lane's events into clusters no two of which are drawn closer than `minGap` px:
 * left to right, an event joins the current cluster while within `minGap` of its first event. A
 * cluster sits at its newest event (pushed right of the previous one if need be), keyed by it,
 * with its events newest first.
 */
export function clusterEvents<Datum>(
  events: readonly Datum[],
  { x, lane, key, minGap = CLUSTER_PX }: { x: (d: Datum) => number; lane: (d: Datum) => string; key: (d: Datum) => string; minGap?: number },
): Cluster<Datum>[] {
  const out: Cluster<Datum>[] = [];
  let start = 0;
  for (const e of [...events].sort((a, b) => (lane(a) === lane(b) ? x(a) - x(b) : lane(a) < lane(b) ? -1 : 1))) {
    const last = out.at(-1);
    const same = last?.lane === lane(e);
    if (same && x(e) - start < minGap) {
      last.events.unshift(e);
      last.key = key(e);
      last.x = Math.max(last.x, x(e));
    } else {
      start = x(e);
      out.push({ key: key(e), lane: lane(e), x: same ? Math.max(x(e), last.x + minGap) : x(e), events: [e] });
    }
  }
  return out;
}

/** The ring left around the newest event once its pulse is over (and with motion off). */
const STATIC_RING = { r: 18, opacity: 0.45 };
/** Arrival pulse: 2 rings, each expanding 3 times over 1.8 s, the second 0.9 s behind. */
const PULSE = { cycleMs: 1800, lagMs: 900, cycles: 3, rings: 2 };

/** Radius and opacity of pulse ring `ring`, `elapsed` ms after the event arrived (null: not showing). */
export function pulseRing(ring: number, elapsed: number): { r: number; opacity: number } | null {
  const local = elapsed - ring * PULSE.lagMs;
  if (local < 0 || local >= PULSE.cycles * PULSE.cycleMs) return null;
  const phase = (local % PULSE.cycleMs) / PULSE.cycleMs;
  return { r: 10 + 20 * (1 - (1 - phase) ** 2), opacity: 0.75 * (1 - phase) };
}

/** The newest marker's entrance: motion's spring physics (stiffness 260, damping 18). */
const SPRING_IN = { stiffness: 260, damping: 18 };

/** Scale and opacity of the springing-in marker, `elapsed` ms after it appeared. */
export function springIn(elapsed: number): { scale: number; opacity: number; done: boolean } {
  const { value, done } = spring({ keyframes: [0, 1], ...SPRING_IN }).next(elapsed);
  return { scale: done ? 1 : value, opacity: done ? 1 : Math.min(1, Math.max(0, value)), done };
}

/**
 * Springs its children in from nothing, on the shared frame clock, with motion's spring
 * (the generator alone: no animation engine or `m.*` component in the bundle).
 */
function SpringIn({ children }: { children: ReactNode }) {
  const ref = useRef<SVGGElement>(null);
  useLayoutEffect(() => {
    const start = performance.now();
    const draw = ({ scale, opacity }: { scale: number; opacity: number }) => {
      ref.current?.setAttribute("transform", `scale(${scale})`);
      ref.current?.setAttribute("opacity", String(opacity));
    };
    draw({ scale: 0, opacity: 0 });
    const stop = onFrames((now) => {
      const frame = springIn(now - start);
      if (frame.done) stop();
      draw(frame);
    });
    return stop;
  }, []);
  return <g ref={ref}>{children}</g>;
}

/**
 * The newest event's arrival: rings expanding a few times on the shared frame clock, then the
 * static ring. Finite, so an idle dashboard asks for no frames.
 */
function ArrivalPulse({ color }: { color: string }) {
  const refs = useRef<(SVGCircleElement | null)[]>([]);
  useEffect(() => {
    const total = PULSE.cycles * PULSE.cycleMs + (PULSE.rings - 1) * PULSE.lagMs;
    const draw = (elapsed: number) =>
      refs.current.forEach((el, i) => {
        if (!el) return;
        const ring = elapsed >= total ? (i === 0 ? { r: STATIC_RING.r, opacity: STATIC_RING.opacity } : null) : pulseRing(i, elapsed);
        el.setAttribute("r", String(ring?.r ?? 0));
        el.setAttribute("stroke-opacity", String(ring?.opacity ?? 0));
      });
    return animateFrames(total, (t) => draw(t * total));
  }, []);
  return (
    <>
      {Array.from({ length: PULSE.rings }, (_, i) => {
        const ring = pulseRing(i, 0);
        return (
          <circle
            key={i}
            ref={(el) => {
              refs.current[i] = el;
            }}
            className="chiron-timeline__pulse"
            fill="none"
            stroke={color}
            strokeWidth={1.5}
            r={ring?.r ?? 0}
            strokeOpacity={ring?.opacity ?? 0}
          />
        );
      })}
    </>
  );
}

function hhmmUtc(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

export function TimelinePulseOverlay<Datum>({
  events,
  getKey,
  getTime,
  getLane,
  getTitle,
  getColor = () => inkColor,
  renderMarker,
  lanes,
  from,
  to,
  width,
  height,
  label,
  density,
  className,
  ...rest
}: TimelinePulseOverlayProps<Datum>) {
  const uid = useId().replace(/:/g, "");
  const motionOn = useMotionEnabled();
  const allLanes = useMemo(() => (density ? [...lanes, DENSITY] : [...lanes]), [lanes, density]);
  const innerRight = width - TIMELINE_PLOT_INSET.right;

  const xScale = useMemo(
    () => scaleTime({ domain: [from, to], range: [GUTTER, innerRight] }),
    [from, to, innerRight],
  );
  const laneY = useMemo(() => {
    const step = (height - AXIS) / allLanes.length;
    return new Map(allLanes.map((l, i) => [l, step * i + step / 2]));
  }, [allLanes, height]);

  const visible = useMemo(
    () => events.filter((e) => getTime(e) >= from && getTime(e) <= to && laneY.has(getLane(e))),
    [events, getTime, getLane, from, to, laneY],
  );
  const clusters = useMemo(
    () =>
      clusterEvents(visible, {
        x: (e) => xScale(new Date(getTime(e))),
        lane: getLane,
        key: getKey,
      }),
    [visible, xScale, getTime, getLane, getKey],
  );
  const newest = useMemo(() => {
    let best: Datum | undefined;
    for (const e of visible) if (best === undefined || getTime(e) > getTime(best)) best = e;
    return best === undefined ? null : getKey(best);
  }, [visible, getTime, getKey]);

  const densityPaths = useMemo(() => {
    if (!density || density.length < 2) return null;
    const y0 = laneY.get(DENSITY) ?? height - AXIS;
    const max = Math.max(...density.map((d) => d.v), 1);
    const yScale = scaleLinear({ domain: [0, max], range: [y0 + 10, y0 - 12] });
    const x = (d: DensityPoint) => xScale(new Date(d.t));
    const y = (d: DensityPoint) => yScale(d.v);
    // The sparklines' monotone-x paths (spark-path.ts: d3's curve, one builder for the page).
    const xs = density.map(x);
    const top = sparkLine(xs, density.map(y));
    return { area: sparkArea(xs, top, y0 + 10), line: top };
  }, [density, laneY, height, xScale]);

  // Ticks too close to the "now" label would collide with it.
  const ticks = useMemo(
    () => xScale.ticks(Math.max(2, Math.floor(width / 140))).filter((t) => innerRight - xScale(t) > 36),
    [xScale, width, innerRight],
  );
  const sorted = useMemo(() => [...visible].sort((a, b) => getTime(b) - getTime(a)), [visible, getTime]);

  return (
    <div className="chiron-timeline-wrap" style={{ position: "relative", width, height }}>
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={label}
        aria-describedby={`timeline-desc-${uid}`}
        className={["chiron-timeline", className].filter(Boolean).join(" ")}
        data-animated={motionOn || undefined}
        {...rest}
      >
        <defs>
          <linearGradient id={`tl-density-${uid}`} x1="0" y1="0" x2="0" y2="1">
            <stop offset="0%" stopColor={inkColor} stopOpacity={0.3} />
            <stop offset="100%" stopColor={inkColor} stopOpacity={0.02} />
          </linearGradient>
        </defs>
        {allLanes.map((l) => (
          <g key={l}>
            <line x1={GUTTER} x2={innerRight} y1={laneY.get(l)} y2={laneY.get(l)} stroke="rgba(255,255,255,0.05)" />
            <text x={0} y={(laneY.get(l) ?? 0) + 4} className="chiron-timeline__lane" fill="#b3bccb" fontSize={12}>
              {l}
            </text>
          </g>
        ))}
        {ticks.map((t) => (
          <g key={t.getTime()}>
            <line
              x1={xScale(t)}
              x2={xScale(t)}
              y1={4}
              y2={height - AXIS}
              stroke="rgba(255,255,255,0.045)"
            />
            <text x={xScale(t)} y={height - 6} textAnchor="middle" fill="#8e9aae" fontSize={11} className="chiron-timeline__tick">
              {hhmmUtc(t.getTime())}
            </text>
          </g>
        ))}
        <line x1={innerRight} x2={innerRight} y1={4} y2={height - AXIS} stroke="rgba(255,255,255,0.25)" strokeDasharray="2 3" />
        <text x={innerRight} y={height - 6} textAnchor="end" fill="#edf1f7" fontSize={11} fontWeight={700}>
          now
        </text>
        {densityPaths ? (
          <>
            <path d={densityPaths.area} fill={`url(#tl-density-${uid})`} />
            <path d={densityPaths.line} fill="none" stroke={inkColor} strokeOpacity={0.55} strokeWidth={1.2} />
          </>
        ) : null}
        {clusters.map((c) => {
          const e = c.events[0]!;
          const key = c.key;
          const y = laneY.get(c.lane) ?? 0;
          const color = getColor(e);
          const isNewest = c.events.some((d) => getKey(d) === newest);
          const marker = renderMarker ? renderMarker(e) : <circle r={6} fill="#0a0e17" stroke={color} strokeWidth={1.8} />;
          const n = c.events.length;
          return (
            <g key={key} transform={`translate(${c.x}, ${y})`} data-event={key} data-newest={isNewest || undefined}>
              {isNewest ? (
                motionOn ? (
                  <ArrivalPulse key={`pulse-${newest}`} color={color} />
                ) : (
                  <circle className="chiron-timeline__pulse" r={STATIC_RING.r} fill="none" stroke={color} strokeOpacity={STATIC_RING.opacity} />
                )
              ) : null}
              {isNewest ? <circle r={16} fill={color} fillOpacity={0.14} /> : null}
              {isNewest && motionOn ? (
                // Only the newest marker springs in; the others are plain SVG.
                <SpringIn key={`in-${newest}`}>{marker}</SpringIn>
              ) : (
                <g>{marker}</g>
              )}
              {n > 1 ? (
                <g className="chiron-timeline__count" transform="translate(9, -9)">
                  <circle r={7.5} fill="#edf1f7" />
                  <text textAnchor="middle" y={3.5} fontSize={10} fontWeight={700} fill="#0a0e17">
                    {n}
                  </text>
                </g>
              ) : null}
            </g>
          );
        })}
      </svg>
      <div className="chiron-timeline__hits">
        {clusters.map((c) => {
          const n = c.events.length;
          const said = c.events.map((e) => `${hhmmUtc(getTime(e))} ${getTitle(e)}`);
          return (
            // Hover or focus expands the marker into its events, one a line (from its name, styles.css).
            <button
              key={c.key}
              type="button"
              className="chiron-timeline__hit"
              data-event={c.key}
              data-count={n}
              style={{ left: c.x, top: laneY.get(c.lane) }}
              aria-label={[n > 1 ? `${n} events in ${c.lane}:` : `${c.lane}:`, ...said].join("\n")}
            />
          );
        })}
      </div>
      <VisuallyHidden as="div" id={`timeline-desc-${uid}`}>
        <p>
          {sorted.length} events between {hhmmUtc(from)} and {hhmmUtc(to)}, newest first.
        </p>
        <ol>
          {sorted.map((e) => (
            <li key={getKey(e)}>
              {hhmmUtc(getTime(e))} {getLane(e)}: {getTitle(e)}
            </li>
          ))}
        </ol>
      </VisuallyHidden>
    </div>
  );
}
