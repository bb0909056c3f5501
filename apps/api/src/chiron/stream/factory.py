"""Pick the bus from settings: Redis Streams when CHIRON_REDIS_URL is set, else in-process."""

from __future__ import annotations

from chiron.config import Settings
from chiron.stream.bus import Bus
from chiron.stream.memory import InProcessBus


def build_bus(settings: Settings) -> Bus:
    if settings.redis_url:
        from chiron.stream.redis_bus import RedisStreamBus

        return RedisStreamBus(
            settings.redis_url,
            settings.stream_key,
            settings.stream_maxlen,
            command_timeout_s=settings.bus_timeout_s,
            connect_timeout_s=settings.bus_timeout_s,
        )
    return InProcessBus(settings.stream_maxlen)
