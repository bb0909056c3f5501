"""The demo fleet: devices, their metrics and the gates over them, shared by the seed data
and `chiron simulate` so both tell the same believable story."""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chiron.gates.schemas import Direction


@dataclass(frozen=True)
class MetricModel:
    metric: str
    unit: str
    base: float
    noise: float  # standard deviation of sample noise
    swing: float  # amplitude of the slow daily wave
    lo: float
    hi: float
    # Where an "episode" pushes the value, and how likely a single-sample spike is.
    excursion: float = 0.0
    spike: float = 0.0


@dataclass(frozen=True)
class GateSpec:
    slug: str
    title: str
    description: str
    source: str
    metric: str
    warn: float
    critical: float
    direction: Direction
    hysteresis: float
    min_violations: int = 1


ROVER = (
    MetricModel("battery.voltage", "V", 27.6, 0.05, 0.6, 20.0, 29.4, excursion=-4.0),
    MetricModel("battery.soc", "%", 78.0, 0.3, 12.0, 0.0, 100.0, excursion=-55.0),
    MetricModel("motor.temp", "°C", 52.0, 0.6, 6.0, -20.0, 120.0, excursion=26.0, spike=9.0),
    MetricModel("cpu.load", "%", 41.0, 4.0, 12.0, 0.0, 100.0, excursion=48.0, spike=30.0),
    MetricModel("velocity", "m/s", 1.4, 0.15, 0.5, 0.0, 4.0),
    MetricModel("link.rssi", "dBm", -67.0, 1.5, 4.0, -120.0, -30.0, excursion=-20.0),
)
RELAY = (
    MetricModel("link.quality", "%", 92.0, 1.0, 4.0, 0.0, 100.0, excursion=-50.0, spike=-25.0),
    MetricModel("link.latency", "ms", 118.0, 9.0, 25.0, 5.0, 2000.0, excursion=360.0, spike=180.0),
    MetricModel("cpu.load", "%", 23.0, 3.0, 6.0, 0.0, 100.0),
)
CORE = (
    MetricModel("core.temp", "°C", 71.0, 0.4, 5.0, -20.0, 130.0, excursion=21.0, spike=7.0),
    MetricModel("bus.voltage", "V", 28.1, 0.06, 0.3, 18.0, 32.0, excursion=-3.6),
    MetricModel("bus.current", "A", 12.4, 0.4, 2.5, 0.0, 60.0, excursion=14.0),
)

# The base fleet; `chiron simulate --sources N` adds more rovers beyond these five.
BASE_SOURCES: tuple[tuple[str, tuple[MetricModel, ...]], ...] = (
    ("rover-1", ROVER),
    ("rover-2", ROVER),
    ("relay-1", RELAY),
    ("relay-2", RELAY),
    ("core", CORE),
)

GATES = (
    GateSpec(
        "propulsion-bus",
        "Propulsion bus",
        "Main bus voltage feeding the drive train",
        "core",
        "bus.voltage",
        26.0,
        24.8,
        "below",
        0.3,
    ),
    GateSpec(
        "thermal-envelope",
        "Thermal envelope",
        "Reactor core temperature",
        "core",
        "core.temp",
        80.0,
        90.0,
        "above",
        1.5,
        2,
    ),
    GateSpec(
        "power-reserve",
        "Power reserve",
        "Rover 1 battery state of charge",
        "rover-1",
        "battery.soc",
        35.0,
        20.0,
        "below",
        3.0,
    ),
    GateSpec(
        "telemetry-link",
        "Telemetry link",
        "Relay 2 link quality to ground",
        "relay-2",
        "link.quality",
        60.0,
        40.0,
        "below",
        5.0,
        2,
    ),
    GateSpec(
        "uplink-latency",
        "Uplink latency",
        "Relay 1 round trip to mission control",
        "relay-1",
        "link.latency",
        300.0,
        450.0,
        "above",
        25.0,
        2,
    ),
    GateSpec(
        "drive-motors",
        "Drive motors",
        "Rover 1 motor temperature",
        "rover-1",
        "motor.temp",
        68.0,
        75.0,
        "above",
        2.0,
        2,
    ),
    GateSpec(
        "compute-headroom",
        "Compute headroom",
        "Rover 2 flight computer load",
        "rover-2",
        "cpu.load",
        85.0,
        97.0,
        "above",
        4.0,
        3,
    ),
)


def fleet(count: int) -> list[tuple[str, tuple[MetricModel, ...]]]:
    """`count` sources: the base five, then further rovers."""
    sources = list(BASE_SOURCES[:count])
    for n in range(len(sources), count):
        sources.append((f"rover-{n - len(BASE_SOURCES) + 3}", ROVER))
    return sources


@dataclass
class SeriesSim:
    """One metric on one device: a daily wave, noise, rare spikes, and episodes that drift
    toward the thresholds and back (the story that moves gates)."""

    model: MetricModel
    rng: random.Random
    phase: float = field(default=0.0)
    episode_until: float = 0.0
    episode_start: float = 0.0
    episode_depth: float = 0.0
    episode_rate: float = 1 / 300.0  # episodes per second

    def value(self, t: float, dt: float, *, calm: bool = False) -> float:
        """The value at time `t` (unix seconds), `dt` seconds after the previous one.

        `calm`: no new episode and no spike, only the wave and noise (an episode under way
        runs out), which is how the seeded day ends and the simulator's first minute runs.
        """
        m = self.model
        wave = m.swing * math.sin(2 * math.pi * (t / 86400.0) + self.phase)
        if (
            m.excursion
            and not calm
            and t >= self.episode_until
            and self.rng.random() < self.episode_rate * dt
        ):
            self.episode_start = t
            self.episode_until = t + self.rng.uniform(40, 150)
            self.episode_depth = self.rng.uniform(0.55, 1.15)
        push = 0.0
        if t < self.episode_until:
            span = self.episode_until - self.episode_start
            progress = (t - self.episode_start) / span
            push = m.excursion * self.episode_depth * math.sin(math.pi * progress)
        value = m.base + wave + push + self.rng.gauss(0, m.noise)
        if m.spike and not calm and self.rng.random() < 0.004 * max(dt, 0.1):
            value += m.spike
        return min(m.hi, max(m.lo, value))


def phase_of(source: str, metric: str) -> float:
    """Where a series' daily wave stands, fixed by its name alone: the seeded day and any
    later simulator run (whatever its --seed) draw the same curve, so they join up."""
    return zlib.crc32(f"{source}/{metric}".encode()) / 2**32 * math.tau


def make_series(seed: int, count: int) -> dict[tuple[str, str], SeriesSim]:
    """`seed` picks the noise, spikes and episodes; the waves depend on names only."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    out = {}
    for source, models in fleet(count):
        for model in models:
            sim = SeriesSim(
                model,
                random.Random(rng.random()),  # noqa: S311
                phase=phase_of(source, model.metric),
            )
            out[(source, model.metric)] = sim
    return out
