"""Notification tests run the dispatcher with test pacing (short deadlines and backoff)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from chiron.config import Settings
from tests.notify.helpers import Receiver, fast, receiver


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return fast(settings)


@pytest.fixture
async def hooks() -> AsyncIterator[Receiver]:
    async with receiver() as rec:
        yield rec
