"""The time as the API writes it (RFC 3339, to the second, UTC)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime

__all__ = ["WRITTEN", "now_rfc3339"]

_RFC3339 = "%Y-%m-%dT%H:%M:%SZ"
WRITTEN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
"""What `now_rfc3339` writes (`fullmatch` it)."""
_NOW: list[int | str] = [-1, ""]
"""The last second formatted, and its text."""


def now_rfc3339(clock: Callable[[], datetime] | None = None) -> str:
    """Now (or `clock()`), e.g. 2026-01-01T00:00:00Z."""
    if clock is not None:
        return clock().strftime(_RFC3339)
    # Formatted once a second: a big cluster's objects are stamped many times a second, and
    # share the one string.
    second = int(time.time())
    if second != _NOW[0]:
        _NOW[:] = [second, time.strftime(_RFC3339, time.gmtime(second))]
    return str(_NOW[1])
