"use client";
/**
 * MotionFeatures: the animation engine for the `m.*` components in the charts (motion's `domMin`:
 * the renderer and the `animate` feature), loaded after first paint. Wrap every subtree that renders
 * TelemetrySparkline, TelemetryRadialGauge or TimelinePulseOverlay in it: without a LazyMotion
 * above them, `m.*` components render their first `animate` values and never update (a sparkline
 * would keep its first path, a new timeline marker would stay at scale 0).
 *
 * It is a component of its own, not part of MotionPreferenceProvider (which sits in the root
 * layout), so that only routes that draw charts load the engine, and so that the engine's chunk
 * is split against the modules the charts already loaded rather than the layout's (Turbopack
 * would otherwise ship motion's value/mix code twice).
 */
import { LazyMotion } from "motion/react";
import type { ReactNode } from "react";

const loadFeatures = () => import("./features").then((mod) => mod.default);

export function MotionFeatures({ children }: { children: ReactNode }) {
  // strict: a full `motion.*` component, which would bundle the engine eagerly, throws.
  return (
    <LazyMotion features={loadFeatures} strict>
      {children}
    </LazyMotion>
  );
}
