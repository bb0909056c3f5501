"""The live bus (Redis Streams or in-process), the per-process fan-out hub, and SSE."""
