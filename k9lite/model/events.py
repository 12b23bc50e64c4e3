"""Events (core/v1): what the cluster's components said about an object, for `describe`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from k9lite.model.fields import integer, mapping, string, timestamp
from k9lite.model.meta import ObjectMeta, decode_object
from k9lite.model.resources import Resource

__all__ = ["EVENTS", "Event", "decode_event"]

EVENTS = Resource("", "v1", "events", "Event", True, "event", ("ev",))
"""core/v1 Events: read for describe, and the Events view."""


@dataclass(frozen=True, slots=True)
class Event:
    """One Event: its type (Normal, Warning), reason, message, who reported it and when."""

    meta: ObjectMeta
    type: str
    reason: str
    message: str
    source: str
    """The component (and host) that reported it, as kubectl's FROM column shows."""
    count: int
    first_time: datetime | None
    last_time: datetime | None
    """When it last happened: lastTimestamp, or eventTime for events.k8s.io-style writers."""


def _source(raw: Mapping[str, Any]) -> str:
    # kubectl's formatEventSource: component, then host; else the reporting controller.
    source = mapping(raw, "source")
    component, host = string(source, "component"), string(source, "host")
    if component:
        return f"{component}, {host}" if host else component
    return string(raw, "reportingComponent") or string(raw, "reportingController")


def _build(meta: ObjectMeta, raw: Mapping[str, Any]) -> Event:
    event_time = timestamp(raw, "eventTime")
    series = mapping(raw, "series")
    last = timestamp(raw, "lastTimestamp") or timestamp(series, "lastObservedTime") or event_time
    return Event(
        meta=meta,
        type=string(raw, "type"),
        reason=string(raw, "reason"),
        message=string(raw, "message").strip(),
        source=_source(raw),
        count=integer(raw, "count") or integer(series, "count") or 1,
        first_time=timestamp(raw, "firstTimestamp") or event_time,
        last_time=last,
    )


def decode_event(raw: Mapping[str, Any]) -> Event:
    """Decode a core/v1 Event; DecodeError if malformed."""
    return decode_object("Event", raw, _build)
