"""The Events section of `describe`: kubectl's columns, the message wrapped in its own column."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from k9lite.model.durations import human_duration
from k9lite.model.events import Event

__all__ = ["events_section"]

_EPOCH = datetime.min.replace(tzinfo=timezone.utc)
_HEADINGS = ("Type", "Reason", "Age", "From", "Message")


def _age(event: Event, now: datetime) -> str:
    # kubectl: "10s", or "3m (x5 over 10m)" for an event seen several times.
    last = "<unknown>" if event.last_time is None else human_duration(now - event.last_time)
    if event.count > 1 and event.first_time is not None:
        return f"{last} (x{event.count} over {human_duration(now - event.first_time)})"
    return last


def events_section(events: Iterable[Event], now: datetime) -> RenderableType:
    """`Events:` and the events, oldest first, as `kubectl describe` lists them; `Events:
    <none>` when there are none. A long message wraps under its column, not under the table."""
    ordered = sorted(events, key=lambda e: (e.last_time or _EPOCH, e.first_time or _EPOCH))
    if not ordered:
        return Text("Events:  <none>")
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0))
    for heading in _HEADINGS[:-1]:
        table.add_column(heading, no_wrap=True)
    table.add_column(_HEADINGS[-1], overflow="fold")
    table.add_row(*_HEADINGS, style="bold")
    table.add_row(*("-" * len(h) for h in _HEADINGS))
    for event in ordered:
        warning = "bold" if event.type == "Warning" else ""
        table.add_row(
            Text(event.type, style=warning),
            Text(event.reason),
            Text(_age(event, now)),
            Text(event.source),
            Text(event.message),
        )
    return Group(Text("Events:"), Padding(table, (0, 0, 0, 2)))
