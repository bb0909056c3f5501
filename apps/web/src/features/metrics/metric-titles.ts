/** Friendly names for metric keys; unknown keys are humanised ("motor.temp_l" -> "Motor temp l"). */
const KNOWN: Record<string, string> = {
  "battery.soc": "Battery charge",
  "bus.voltage": "Bus voltage",
  "bus.current": "Bus current",
  "core.temp": "Core temp",
  "radio.rssi": "Signal strength",
  "nav.error": "Nav error",
  "link.rtt": "Round-trip",
  "solar.input": "Solar input",
  "motor.temp_l": "Motor temp L",
  "motor.temp_r": "Motor temp R",
  "wheel.slip": "Wheel slip",
  "imu.pitch": "Pitch",
  "cpu.load": "CPU load",
  "queue.depth": "Queue depth",
  "packet.loss": "Packet loss",
  "ambient.temp": "Ambient",
};

export function metricTitle(metric: string): string {
  const known = KNOWN[metric];
  if (known) return known;
  const words = metric.replace(/[._]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
