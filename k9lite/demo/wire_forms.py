"""How a served resource maps onto the objects stored: the same, or converted (events.k8s.io).

Handlers read and write the store in the stored form and give clients the served form; field
selectors name served fields and are matched against stored paths.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from k9lite.demo import events_v1
from k9lite.demo.kinds.builtin import event, event_events_k8s_io
from k9lite.demo.resources import ResourceType
from k9lite.model.selectors import FieldSelector

__all__ = ["WireForm", "wire_form"]


def _same(obj: Any) -> Any:
    return obj


def _same_patch(content_type: str, body: bytes) -> bytes:
    return body


@dataclass(frozen=True, slots=True)
class WireForm:
    """The stored resource behind a served one, and the conversions between their objects."""

    served: ResourceType
    stored: ResourceType
    to_wire: Callable[[dict[str, Any]], dict[str, Any]] = _same
    from_wire: Callable[[Any], Any] = _same
    patch: Callable[[str, bytes], bytes] = _same_patch
    field_paths: Mapping[str, str] = field(default_factory=dict)
    """Field selector label -> the path it reads in the stored object, where they differ."""

    def stored_fields(self, fields: FieldSelector) -> FieldSelector:
        return FieldSelector(
            tuple((self.field_paths.get(p, p), op, v) for p, op, v in fields.requirements)
        )


_CORE_EVENTS = event.STRATEGY.resource
_EVENTS_V1 = event_events_k8s_io.STRATEGY.resource
_FORMS = {
    _CORE_EVENTS: WireForm(
        _CORE_EVENTS, _CORE_EVENTS, field_paths=events_v1.CORE_EVENT_FIELD_PATHS
    ),
    _EVENTS_V1: WireForm(
        _EVENTS_V1,
        _CORE_EVENTS,
        to_wire=events_v1.to_events_v1,
        from_wire=events_v1.to_core,
        patch=events_v1.patch_to_core,
        field_paths={
            label: events_v1.CORE_EVENT_FIELD_PATHS.get(core, core)
            for label, core in events_v1.EVENTS_V1_FIELD_LABELS.items()
        },
    ),
}


def wire_form(rt: ResourceType) -> WireForm:
    """How a built-in `rt` is stored: most resources as they are served."""
    return _FORMS.get(rt) or WireForm(rt, rt)
