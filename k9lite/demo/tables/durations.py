"""Ages as kubectl prints them: RFC 3339 times parsed, then apimachinery's HumanDuration."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from k9lite.model.durations import human_duration

__all__ = ["InvalidTimestamp", "human_duration", "parse_time", "since"]


class InvalidTimestamp(ValueError):
    """A time field of an object is not an RFC 3339 timestamp."""

    def __init__(self, field: str, value: object) -> None:
        super().__init__(f"{field} is not an RFC 3339 time: {value!r}")


def parse_time(value: Any, field: str) -> datetime | None:
    """An RFC 3339 time (Time or MicroTime) as an aware datetime; None when unset (Go's zero)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidTimestamp(field, value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidTimestamp(field, value) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def since(value: Any, field: str, now: datetime) -> str:
    """printers.go translateTimestampSince: `<unknown>` for an unset time, else its age."""
    time = parse_time(value, field)
    return "<unknown>" if time is None else human_duration(now - time)
