"""Background tasks that stop when asked, even when a client library swallows the cancel."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

import structlog

log = structlog.get_logger("chiron.tasks")


def cancel_requested() -> bool:
    """True once the current task has been cancelled, whatever the code below made of it.

    redis-py can turn a CancelledError raised inside a blocking read into a connection
    error; a retry loop that catches Exception would then run forever after `cancel()`.
    """
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def stop_tasks(tasks: Iterable[asyncio.Task[None]], timeout_s: float = 3.0) -> None:
    """Cancel, then wait a bounded time: shutdown must never hang on one stuck task.

    A task whose cancel was swallowed inside a blocking read leaves by itself once the
    read returns (its loop checks `cancel_requested()`): the default wait outlasts the
    bus's longest block (2 s), so the task ends and its connection is released cleanly.
    """
    pending = [task for task in tasks if not task.done()]
    for task in pending:
        task.cancel()
    if not pending:
        return
    _, stuck = await asyncio.wait(pending, timeout=timeout_s)
    for task in stuck:
        log.info("task_still_stopping", task=task.get_name())
    for task in pending:
        if task.done():
            with contextlib.suppress(asyncio.CancelledError, Exception):
                task.result()
