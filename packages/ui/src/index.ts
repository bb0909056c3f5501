/** @chiron/ui: chart primitives, severity vocabulary and ambient effects for Chiron. */
export { TelemetrySparkline, type TelemetrySparklineProps } from "./charts/TelemetrySparkline";
export { RangeChart, type RangeChartProps, type RangeChartMarker } from "./charts/RangeChart";
export { TelemetryRadialGauge, type TelemetryRadialGaugeProps } from "./charts/TelemetryRadialGauge";
export {
  TimelinePulseOverlay,
  type TimelinePulseOverlayProps,
  type DensityPoint,
  TIMELINE_PLOT_INSET,
} from "./charts/TimelinePulseOverlay";
export { formatValue, withUnit, typographicMinus } from "./charts/format";
export { thresholdBands, type Direction } from "./charts/levels";
export {
  severityTokens,
  levelToSeverity,
  levelWord,
  levelColor,
  worstSeverity,
  inkColor,
  infoColor,
  type Severity,
  type MetricLevel,
  type SeverityToken,
} from "./severity/tokens";
export { SeverityIcon, type SeverityIconProps, type Glyph } from "./severity/SeverityIcon";
export { SeverityBadge, type SeverityBadgeProps } from "./severity/SeverityBadge";
export {
  MotionPreferenceProvider,
  useMotionEnabled,
  useMotionPreference,
  usePrefersReducedMotion,
  type MotionPreferenceProviderProps,
} from "./motion/MotionPreference";
export { useFrameTween } from "./motion/frame-clock";
export { AuroraBackground, type AuroraBackgroundProps } from "./effects/AuroraBackground";
export { NoiseOverlay, type NoiseOverlayProps } from "./effects/NoiseOverlay";
export { useAmbientClock, alternateEased, AMBIENT_TICK_MS } from "./effects/ambient-clock";
export { VisuallyHidden, type VisuallyHiddenProps } from "./effects/VisuallyHidden";
