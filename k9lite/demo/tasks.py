"""Background tasks of the demo cluster never fail unobserved: each failure is logged, once.

asyncio prints "Task exception was never retrieved" only when a failed task is collected, late
and without context; a done callback that reads the exception reports it when it happens.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

__all__ = ["observe"]

log = logging.getLogger("k9lite.demo")


def observe(task: asyncio.Task[Any], what: str) -> asyncio.Task[Any]:
    """Log `task`'s failure, naming `what` it was doing; returns the task."""
    task.add_done_callback(functools.partial(_report, what))
    return task


def _report(what: str, task: asyncio.Task[Any]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("%s failed: %s", what, error, exc_info=error)
