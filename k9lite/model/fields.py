"""Typed reads of the Kubernetes JSON wire format, and the errors a malformed object raises.

Objects arrive as the dicts `orjson.loads` gives (JSON objects are checked as `dict`, several times
faster than an ABC check). Each reader checks one field's JSON type and treats an absent field or
`null` as Go's zero value, so a decoder reads like the API's field list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

import orjson

from k9lite.model.sharing import derived, intern, shared_map

__all__ = [
    "DecodeError",
    "FieldError",
    "boolean",
    "each",
    "integer",
    "int_or_string",
    "mapping",
    "nested",
    "optional_boolean",
    "optional_integer",
    "optional_string",
    "parse_time",
    "repeated_string",
    "shared_each",
    "shared_nested",
    "string",
    "string_map",
    "strings",
    "timestamp",
]

T = TypeVar("T")

_EMPTY: Mapping[str, Any] = {}


class DecodeError(ValueError):
    """An object k9lite cannot read: which kind, which object, and what is wrong with it."""

    def __init__(self, kind: str, name: str, reason: str, namespace: str = "") -> None:
        self.kind = kind
        self.name = name
        self.reason = reason
        self.namespace = namespace
        where = f"{namespace}/{name}" if namespace else name
        super().__init__(f"{kind} {where or '<unnamed>'}: {reason}")


class FieldError(ValueError):
    """One field has the wrong JSON type or value; `path` grows as the error bubbles up."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")

    def within(self, parent: str) -> FieldError:
        """The same error seen from the parent field (`ports[0]` -> `spec.ports[0].port`)."""
        if not self.path:
            return FieldError(parent, self.problem)
        joiner = "" if self.path.startswith("[") else "."
        return FieldError(f"{parent}{joiner}{self.path}", self.problem)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _wrong(key: str, expected: str, value: object) -> FieldError:
    return FieldError(key, f"expected {expected}, got {_json_type(value)}")


def mapping(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A nested object; absent or null reads as empty."""
    value = obj.get(key)
    if value is None:
        return _EMPTY
    if not isinstance(value, dict):
        raise _wrong(key, "object", value)
    return value


def string(obj: Mapping[str, Any], key: str, default: str = "") -> str:
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise _wrong(key, "string", value)
    return value


def repeated_string(obj: Mapping[str, Any], key: str, default: str = "") -> str:
    """A string many objects repeat (a namespace, a node, an image): one copy for all."""
    return intern(string(obj, key, default))


def optional_string(obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise _wrong(key, "string", value)
    return value


def integer(obj: Mapping[str, Any], key: str, default: int = 0) -> int:
    value = obj.get(key)
    if value is None:
        return default
    # JSON true is a Python int; Kubernetes never accepts it as a number.
    if not isinstance(value, int) or isinstance(value, bool):
        raise _wrong(key, "integer", value)
    return value


def optional_integer(obj: Mapping[str, Any], key: str) -> int | None:
    return None if obj.get(key) is None else integer(obj, key)


def boolean(obj: Mapping[str, Any], key: str, default: bool = False) -> bool:
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _wrong(key, "boolean", value)
    return value


def optional_boolean(obj: Mapping[str, Any], key: str) -> bool | None:
    return None if obj.get(key) is None else boolean(obj, key)


def int_or_string(obj: Mapping[str, Any], key: str) -> int | str | None:
    """An IntOrString (targetPort, a backend's port): a number, or a name such as `http`."""
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, int) or isinstance(value, bool):
        raise _wrong(key, "integer or string", value)
    return value


def strings(obj: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _wrong(key, "array of strings", value)
    return tuple(value)


def string_map(obj: Mapping[str, Any], key: str) -> Mapping[str, str]:
    """A map[string]string (labels, annotations, selectors), one copy shared by every object
    with an equal map: readers never change it."""
    value = obj.get(key)
    if value is None:
        return shared_map({})
    if not isinstance(value, dict):
        raise _wrong(key, "object", value)
    for item in value.values():
        if not isinstance(item, str):
            raise _wrong(key, "map of strings", item)
    return shared_map(value)


def each(
    obj: Mapping[str, Any], key: str, decode: Callable[[Mapping[str, Any]], T]
) -> tuple[T, ...]:
    """Decode every object of an array; an error names its index (`containers[1].image`)."""
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _wrong(key, "array", value)
    decoded: list[T] = []
    try:
        for item in value:
            if not isinstance(item, dict):
                raise _wrong("", "object", item)
            decoded.append(decode(item))
    except FieldError as error:
        # The failing item is the one after those decoded.
        raise error.within(f"[{len(decoded)}]").within(key) from None
    return tuple(decoded)


def nested(obj: Mapping[str, Any], key: str, decode: Callable[[Mapping[str, Any]], T]) -> T:
    """Decode a nested object (absent reads as empty); an error is prefixed with `key`."""
    value = mapping(obj, key)
    try:
        return decode(value)
    except FieldError as error:
        raise error.within(key) from None


def _json_text(value: Any) -> str | None:
    try:
        # As str: orjson's bytes keep a 4 KiB buffer, whatever their length.
        return orjson.dumps(value).decode()
    except TypeError:  # not JSON (a test's hand-built object): decoded afresh each time
        return None


def shared_each(
    obj: Mapping[str, Any], key: str, decode: Callable[[Mapping[str, Any]], T]
) -> tuple[T, ...]:
    """`each`, decoded once per distinct JSON text lately seen: the pods of one ReplicaSet
    share one tuple of owner references, pods started together one tuple of conditions."""
    value = obj.get(key)
    text = None if value is None else _json_text(value)
    if text is None:
        return each(obj, key, decode)
    return derived((decode, key, text), lambda _: each(obj, key, decode))


def shared_nested(obj: Mapping[str, Any], key: str, decode: Callable[[Mapping[str, Any]], T]) -> T:
    """`nested`, decoded once per distinct JSON text lately seen (a container's state)."""
    value = obj.get(key)
    text = None if value is None else _json_text(value)
    if text is None:
        return nested(obj, key, decode)
    return derived((decode, key, text), lambda _: nested(obj, key, decode))


# RFC 3339 with any number of fraction digits (3.10's fromisoformat wants exactly 3 or 6).
_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([Zz])|([+-])(\d\d):(\d\d))"
)


def parse_time(text: str) -> datetime:
    """An RFC 3339 time (metav1.Time or MicroTime) as an aware datetime; ValueError if not."""
    if len(text) in (20, 27) and text[-1] == "Z" and text[10] == "T":
        # The API server's two shapes (seconds, microseconds): the C parser, 10x faster.
        return datetime.fromisoformat(text[:-1] + "+00:00")
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 time: {text!r}")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    if zulu:
        zone = timezone.utc
    else:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        zone = timezone(-offset if sign == "-" else offset)
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), micros, zone
    )


def timestamp(obj: Mapping[str, Any], key: str) -> datetime | None:
    """A time field; absent or "" is Go's zero time, read as None."""
    value = obj.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _wrong(key, "RFC 3339 time string", value)
    try:
        # Pods created together share their times: one datetime for each distinct text.
        return derived(value, parse_time)
    except ValueError as error:
        raise FieldError(key, str(error)) from None
