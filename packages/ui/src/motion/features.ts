/**
 * The animation engine for `m.*` components, loaded after first paint by
 * MotionPreferenceProvider's LazyMotion: the dashboard's first JS stays small
 * and the charts render their final state until it arrives.
 */
export { domAnimation as default } from "motion/react";
