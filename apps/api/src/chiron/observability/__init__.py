"""Chiron's own observability: request ids, structured logs, traces and metrics."""
