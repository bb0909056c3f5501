"""Chiron's own metrics, through OpenTelemetry: one function per fact, called where it happens.

Instruments come from the global meter, a no-op until a MeterProvider is installed (OTLP
configured, or a test's reader), so calling these in tests or without a collector is free.
"""

from __future__ import annotations

import functools
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

import orjson
from opentelemetry.metrics import CallbackOptions, Observation, get_meter

from chiron import __version__
from chiron.errors import AppError

if TYPE_CHECKING:
    from chiron.stream.hub import Hub

Outcome = Literal["accepted", "duplicate", "rejected"]
P = ParamSpec("P")
R = TypeVar("R")

_meter = get_meter("chiron", __version__)
_samples = _meter.create_counter(
    "chiron.samples.ingested",
    unit="{sample}",
    description="Samples received by ingest, by outcome (accepted, duplicate, rejected)",
)
_ingest_duration = _meter.create_histogram(
    "chiron.ingest.duration",
    unit="s",
    description="Time to handle one ingest batch, from parsed request to response",
    explicit_bucket_boundaries_advisory=[
        0.001,
        0.0025,
        0.005,
        0.01,
        0.025,
        0.05,
        0.1,
        0.25,
        0.5,
        1.0,
        2.5,
        5.0,
        10.0,
    ],
)
_publish_failures = _meter.create_counter(
    "chiron.bus.publish_failures",
    unit="{message}",
    description="Messages the bus refused after their batch was stored (the stream resyncs)",
)
_gate_transitions = _meter.create_counter(
    "chiron.gate.transitions",
    unit="{transition}",
    description="Gate status changes, by the status entered",
)
_mqtt_messages = _meter.create_counter(
    "chiron.mqtt.messages",
    unit="{message}",
    description="MQTT messages consumed, by outcome (accepted: committed; rejected: skipped)",
)
_hubs: weakref.WeakSet[Hub] = weakref.WeakSet()


def _observe_connections(_: CallbackOptions) -> Iterable[Observation]:
    return [Observation(sum(hub.connections for hub in list(_hubs)))]


_meter.create_observable_up_down_counter(
    "chiron.sse.connections",
    callbacks=[_observe_connections],
    unit="{connection}",
    description="Server-sent event streams open in this process",
)


def samples_ingested(count: int, outcome: Outcome) -> None:
    if count:
        _samples.add(count, {"outcome": outcome})


def ingest_duration(seconds: float, outcome: str) -> None:
    _ingest_duration.record(seconds, {"outcome": outcome})


def bus_publish_failed(bus: str) -> None:
    _publish_failures.add(1, {"bus": bus})


def mqtt_messages(count: int, outcome: Literal["accepted", "rejected"]) -> None:
    _mqtt_messages.add(count, {"outcome": outcome})


def gate_transition(to_status: str) -> None:
    _gate_transitions.add(1, {"to_status": to_status})


def watch_hub(hub: Hub) -> None:
    """Count this hub's open streams in `chiron.sse.connections` for as long as it lives."""
    _hubs.add(hub)


async def _batch_size(request: Any) -> int:
    """How many samples a refused batch held, when its body says (0 when it is not JSON)."""
    body = getattr(request, "body", None)  # the framework's Request, duck-typed
    if body is None:
        return 0
    try:
        samples = orjson.loads(await body()).get("samples")
    except (orjson.JSONDecodeError, AttributeError):
        return 0
    return len(samples) if isinstance(samples, list) else 0


def observe_ingest(endpoint: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Decorate the ingest endpoint: its duration, and its samples by outcome.

    A result's `accepted`/`duplicates` are counted as such; a batch refused as invalid (422)
    counts its samples as rejected; other failures count no samples, only the duration.
    """

    @functools.wraps(endpoint)
    async def observed(*args: P.args, **kwargs: P.kwargs) -> R:
        start = time.perf_counter()
        try:
            result = await endpoint(*args, **kwargs)
        except AppError as exc:
            outcome = "rejected" if exc.status_code == 422 else "error"
            if outcome == "rejected":
                samples_ingested(await _batch_size(kwargs.get("request")), "rejected")
            ingest_duration(time.perf_counter() - start, outcome)
            raise
        except BaseException:
            ingest_duration(time.perf_counter() - start, "error")
            raise
        accepted = int(getattr(result, "accepted", 0))
        duplicates = int(getattr(result, "duplicates", 0))
        samples_ingested(accepted, "accepted")
        samples_ingested(duplicates, "duplicate")
        outcome = "duplicate" if duplicates and not accepted else "accepted"
        ingest_duration(time.perf_counter() - start, outcome)
        return result

    return observed
