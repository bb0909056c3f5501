"use client";
/**
 * MotionFeatures: the animation engine for the `m.*` components in the charts (motion's `domMin`:
 * the renderer and the `animate` feature), loaded after first paint. Wrap every subtree that renders
 * TimelinePulseOverlay in it (its newest marker springs in with `m.g`): without a LazyMotion above
 * it, an `m.*` component renders its first `animate` values and never updates (the marker would
 * stay at scale 0). The sparkline morphs, gauge sweeps and the pulse run on the shared frame clock
 * (`frame-clock.ts`) and need no engine.
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
