"""Chiron: a self-hosted telemetry command surface."""

__version__ = "0.1.0"
