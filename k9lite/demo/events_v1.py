"""events.k8s.io/v1 Events: the stored core/v1 Events, converted as kube-apiserver converts them.

kube-apiserver keeps one Event storage and serves it under both APIs (registry/events uses the
core Event REST). The conversion (pkg/apis/events/v1 conversion.go) renames fields: involvedObject
is `regarding`, message `note`, reportingComponent `reportingController`, and the fields only
core/v1 had become `deprecatedSource`, `deprecatedFirstTimestamp`, `deprecatedLastTimestamp`,
`deprecatedCount`. Field selectors are translated the same way (AddFieldLabelConversionFunc).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

__all__ = [
    "CORE_EVENT_FIELD_PATHS",
    "EVENTS_V1_FIELD_LABELS",
    "patch_to_core",
    "to_core",
    "to_events_v1",
]

# core/v1 name -> events.k8s.io/v1 name, for the fields whose name differs.
_RENAMED = {
    "involvedObject": "regarding",
    "message": "note",
    "reportingComponent": "reportingController",
    "source": "deprecatedSource",
    "firstTimestamp": "deprecatedFirstTimestamp",
    "lastTimestamp": "deprecatedLastTimestamp",
    "count": "deprecatedCount",
}
_BACK = {v1: core for core, v1 in _RENAMED.items()}
# Go omits these when empty ("" or 0) in each version's JSON; Time fields are written as null.
_OMIT_EMPTY_V1 = {"reportingController", "reportingInstance", "action", "reason", "note", "type"}
_OMIT_EMPTY_CORE = {"reason", "message", "type", "action", "reportingInstance"}
_TIMES_V1 = ("eventTime", "deprecatedFirstTimestamp", "deprecatedLastTimestamp")
_TIMES_CORE = ("eventTime", "firstTimestamp", "lastTimestamp")

# events.k8s.io field labels -> the core labels the storage selects by.
_REGARDING_FIELDS = (
    "kind",
    "namespace",
    "name",
    "uid",
    "apiVersion",
    "resourceVersion",
    "fieldPath",
)
EVENTS_V1_FIELD_LABELS: Mapping[str, str] = {
    **{f"regarding.{field}": f"involvedObject.{field}" for field in _REGARDING_FIELDS},
    "reportingController": "reportingComponent",
    "source": "source",
    "reason": "reason",
    "type": "type",
}
# Core Event field labels -> where they are in the stored object (EventToSelectableFields):
# `source` selects by the source's component.
CORE_EVENT_FIELD_PATHS: Mapping[str, str] = {"source": "source.component"}


def _rename(obj: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    return {names.get(key, key): value for key, value in obj.items()}


def to_events_v1(core: dict[str, Any]) -> dict[str, Any]:
    """A stored core/v1 Event as events.k8s.io/v1 serves it."""
    event = _rename(core, _RENAMED)
    event["apiVersion"], event["kind"] = "events.k8s.io/v1", "Event"
    for name in _OMIT_EMPTY_V1:
        if not event.get(name, 1):
            del event[name]
    if not event.get("deprecatedCount", 1):
        del event["deprecatedCount"]
    for name in _TIMES_V1:
        event.setdefault(name, None)
    event.setdefault("regarding", {})
    event.setdefault("deprecatedSource", {})
    return event


def to_core(event: Any) -> Any:
    """An events.k8s.io/v1 Event body as the core/v1 Event it is stored as."""
    if not isinstance(event, dict):
        return event
    core = _rename(event, _BACK)
    core["apiVersion"], core["kind"] = "v1", "Event"
    for name in _OMIT_EMPTY_CORE:
        if not core.get(name, 1):
            del core[name]
    for name in _TIMES_CORE:
        core.setdefault(name, None)
    core.setdefault("involvedObject", {})
    core.setdefault("source", {})
    return core


def patch_to_core(content_type: str, body: bytes) -> bytes:
    """A patch written against events.k8s.io/v1 field names, for the core/v1 object stored.

    Only top-level names differ, so a merge or strategic patch is renamed at its top level and
    a JSON patch in the first segment of each path.
    """
    try:
        patch = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body  # the patch code reports it
    if isinstance(patch, dict):
        return orjson.dumps(_rename(patch, _BACK))
    if "json-patch" in content_type and isinstance(patch, list):
        for operation in patch:
            for key in ("path", "from"):
                pointer = operation.get(key) if isinstance(operation, dict) else None
                if isinstance(pointer, str) and pointer.startswith("/"):
                    first, _, rest = pointer[1:].partition("/")
                    renamed = _BACK.get(first, first)
                    operation[key] = f"/{renamed}/{rest}" if rest else f"/{renamed}"
        return orjson.dumps(patch)
    return body
