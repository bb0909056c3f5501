/**
 * The animation engine for `m.*` components, loaded after first paint by
 * MotionFeatures' LazyMotion: the dashboard's first JS stays small and the
 * charts render their final state until it arrives. `domMin` is the
 * renderer plus the `animate` feature only: the charts use no gestures
 * (`whileHover`, `whileTap`...), exit animations or layout animations, which
 * `domAnimation` / `domMax` would add.
 */
export { domMin as default } from "motion/react";
