"""Chiron: a self-hosted telemetry command surface."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # The product version, from the installed metadata (built from the repository's VERSION
    # file); read on first use so `chiron --help` does not pay for the look-up.
    if name == "__version__":
        from importlib.metadata import version

        value = version("chiron")
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'chiron' has no attribute {name!r}")
