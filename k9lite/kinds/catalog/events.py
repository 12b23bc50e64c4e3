"""Events: kubectl's columns; at 80 columns the message keeps what room is left."""

from __future__ import annotations

from k9lite.kinds.base import ColumnHint, Kind
from k9lite.model.events import EVENTS

KIND = Kind(
    EVENTS,
    "Events",
    column_hints={
        "LAST SEEN": ColumnHint(min_width=9),
        "TYPE": ColumnHint(priority=2),
        "REASON": ColumnHint(min_width=10, rest_priority=4),
        "OBJECT": ColumnHint(min_width=16, rest_priority=3),
        "MESSAGE": ColumnHint(min_width=20, rest_priority=1),
    },
)
