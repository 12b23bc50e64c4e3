"""Decode a protobuf object by its schema, laid out as Go's encoding/json writes the same struct."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from k9lite.demo.protobuf.apimachinery import UNKNOWN
from k9lite.demo.protobuf.objects import OBJECTS
from k9lite.demo.protobuf.schema import Field, Kind, Message, Presence
from k9lite.demo.protobuf.wire import (
    ProtobufError,
    as_bytes,
    as_int,
    iter_fields,
    last_fields,
    packed_ints,
)

__all__ = ["PROTOBUF_CONTENT_TYPE", "decode"]

PROTOBUF_CONTENT_TYPE = "application/vnd.kubernetes.protobuf"

_MAGIC = b"k8s\x00"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def decode(body: bytes) -> dict[str, Any]:
    """The Kubernetes JSON form (apiVersion, kind, metadata, spec, ...) of a protobuf object.

    Raises ProtobufError for a body without the `k8s\\0` magic, a malformed one, or a kind not
    decoded here.
    """
    if not body.startswith(_MAGIC):
        raise ProtobufError("not a Kubernetes protobuf body: it does not start with 'k8s\\x00'")
    envelope = _decode_message(body[len(_MAGIC) :], UNKNOWN)
    api_version = envelope["typeMeta"].get("apiVersion", "")
    kind = envelope["typeMeta"].get("kind", "")
    if envelope.get("contentEncoding"):
        raise ProtobufError(f"unsupported protobuf contentEncoding {envelope['contentEncoding']!r}")
    schema = OBJECTS.get((api_version, kind))
    if schema is None:
        raise ProtobufError(
            f"protobuf decoding of {api_version or '<no apiVersion>'} {kind or '<no kind>'} "
            "is not supported; send JSON"
        )
    return {"kind": kind, "apiVersion": api_version, **_decode_message(envelope["raw"], schema)}


_MAP_KINDS = frozenset({Kind.STRING_MAP, Kind.QUANTITY_MAP, Kind.BYTES_MAP})
_MERGED_KINDS = frozenset({Kind.MESSAGE, Kind.TIME, Kind.INT_OR_STRING, Kind.QUANTITY})


def _text(data: bytes) -> str:
    # Go's encoding/json writes invalid UTF-8 as U+FFFD rather than failing.
    return data.decode("utf-8", errors="replace")


def _decode_message(data: bytes, message: Message) -> dict[str, Any]:
    """Decode one message, then lay its fields out as Go's encoding/json would."""
    found: dict[int, Any] = {}
    merged: dict[int, bytes] = {}
    for number, payload in iter_fields(data, message.name):
        spec = message.fields.get(number)
        if spec is None:
            continue
        where = f"{message.name}.{spec.name}"
        if spec.repeated and spec.kind is Kind.INT64 and isinstance(payload, bytes):
            # Packed encoding of a repeated integer: one length-delimited run of varints.
            found.setdefault(number, []).extend(packed_ints(payload, where))
        elif spec.repeated:
            found.setdefault(number, []).append(_decode_value(spec, payload, where))
        elif spec.kind in _MAP_KINDS:
            key, value = _decode_map_entry(as_bytes(payload, where), spec.kind, where)
            found.setdefault(number, {})[key] = value
        elif spec.kind in _MERGED_KINDS:
            # A singular message sent twice merges: concatenating encodings is protobuf's merge.
            merged[number] = merged.get(number, b"") + as_bytes(payload, where)
        else:
            found[number] = _decode_value(spec, payload, where)
    for number, chunks in merged.items():
        spec = message.fields[number]
        found[number] = _decode_value(spec, chunks, f"{message.name}.{spec.name}")
    out: dict[str, Any] = {}
    for spec in message.fields.values():
        if spec.number in found:
            value = found[spec.number]
        elif spec.presence in (Presence.VALUE, Presence.INLINE):
            value = _zero_value(spec)
        else:
            continue
        if spec.presence is Presence.INLINE:
            out.update(value)
        elif value is not None and (spec.presence is not Presence.OMITEMPTY or value):
            out[spec.name] = value
    return out


def _decode_value(spec: Field, payload: int | bytes, where: str) -> Any:
    """The JSON value of one occurrence of a field that is not a map."""
    kind = spec.kind
    if kind is Kind.INT32:
        return as_int(payload, where, 32)
    if kind is Kind.INT64:
        return as_int(payload, where, 64)
    if kind is Kind.BOOL:
        return as_int(payload, where, 64) != 0
    data = as_bytes(payload, where)
    if kind is Kind.STRING:
        return _text(data)
    if kind is Kind.MESSAGE:
        assert spec.message is not None
        return _decode_message(data, spec.message)
    if kind is Kind.TIME:
        return _decode_time(data, where)
    if kind is Kind.INT_OR_STRING:
        return _decode_int_or_string(data, where)
    if kind is Kind.QUANTITY:
        return _decode_quantity(data, where)
    if kind is Kind.FIELDS_V1:
        return _decode_fields_v1(data, where)
    return data


def _zero_value(spec: Field) -> Any:
    """Go's zero value of a field that encoding/json always writes."""
    if spec.kind is Kind.MESSAGE:
        assert spec.message is not None
        return _decode_message(b"", spec.message)
    return _ZERO_VALUES.get(spec.kind)


_ZERO_VALUES: Mapping[Kind, Any] = {
    Kind.STRING: "",
    Kind.BYTES: b"",
    Kind.INT32: 0,
    Kind.INT64: 0,
    Kind.BOOL: False,
    Kind.INT_OR_STRING: 0,
    # The zero Quantity serialises as "0".
    Kind.QUANTITY: "0",
}


def _decode_time(data: bytes, where: str) -> str | None:
    """metav1.Time as RFC 3339 in UTC with whole seconds; None for the zero Time."""
    # A zero Time is an empty message; nanos are dropped on decode, as metav1.Time does.
    if not data:
        return None
    seconds = as_int(last_fields(data, where).get(1, 0), f"{where}.seconds", 64)
    try:
        moment = _EPOCH + timedelta(seconds=seconds)
    except OverflowError as error:
        raise ProtobufError(f"{where}: {seconds} seconds is out of range") from error
    return moment.isoformat().replace("+00:00", "Z")


def _decode_int_or_string(data: bytes, where: str) -> int | str:
    fields = last_fields(data, where)
    kind = as_int(fields.get(1, 0), f"{where}.type", 64)
    if kind == 0:
        return as_int(fields.get(2, 0), f"{where}.intVal", 32)
    if kind == 1:
        return _text(as_bytes(fields.get(3, b""), f"{where}.strVal"))
    raise ProtobufError(f"{where}: IntOrString type {kind} is neither 0 (int) nor 1 (string)")


def _decode_quantity(data: bytes, where: str) -> str:
    text = _text(as_bytes(last_fields(data, where).get(1, b""), where))
    return text or "0"


def _decode_fields_v1(data: bytes, where: str) -> Any:
    """FieldsV1 carries a managed-field set as raw JSON bytes in its field 1."""
    raw = as_bytes(last_fields(data, where).get(1, b""), where)
    try:
        return json.loads(raw) if raw else {}
    except ValueError as error:
        raise ProtobufError(f"{where}: raw bytes are not JSON: {error}") from error


def _decode_map_entry(data: bytes, kind: Kind, where: str) -> tuple[str, str]:
    """One `map<string, string|bytes|Quantity>` entry: a message with key 1 and value 2."""
    fields = last_fields(data, where)
    key = _text(as_bytes(fields.get(1, b""), f"{where} key"))
    value = as_bytes(fields.get(2, b""), f"{where} value")
    if kind is Kind.QUANTITY_MAP:
        return key, _decode_quantity(value, f"{where}[{key}]")
    if kind is Kind.BYTES_MAP:
        return key, base64.b64encode(value).decode()
    return key, _text(value)
