"""The protobuf wire format: varints and length-delimited fields, read as Go's decoder does."""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["ProtobufError", "as_bytes", "as_int", "iter_fields", "last_fields", "packed_ints"]

_WIRE_VARINT = 0
_WIRE_FIXED64 = 1
_WIRE_BYTES = 2
_WIRE_FIXED32 = 5


class ProtobufError(ValueError):
    """A request body that is not a Kubernetes protobuf object this server can decode."""


def _read_varint(data: bytes, pos: int, where: str) -> tuple[int, int]:
    result = 0
    for shift in range(0, 70, 7):
        if pos >= len(data):
            raise ProtobufError(f"{where}: truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & 0xFFFF_FFFF_FFFF_FFFF, pos
    raise ProtobufError(f"{where}: varint longer than 10 bytes")


def iter_fields(data: bytes, where: str) -> Iterator[tuple[int, int | bytes]]:
    """(field number, payload) for each varint (an int) or length-delimited (bytes) field."""
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos, where)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise ProtobufError(f"{where}: field number 0 is invalid")
        if wire_type == _WIRE_VARINT:
            value, pos = _read_varint(data, pos, where)
            yield number, value
        elif wire_type == _WIRE_BYTES:
            length, pos = _read_varint(data, pos, where)
            if length > len(data) - pos:
                raise ProtobufError(f"{where}: field {number} is truncated")
            yield number, data[pos : pos + length]
            pos += length
        elif wire_type in (_WIRE_FIXED64, _WIRE_FIXED32):
            # No Kubernetes field decoded here is fixed-width: skip it like an unknown field.
            pos += 8 if wire_type == _WIRE_FIXED64 else 4
            if pos > len(data):
                raise ProtobufError(f"{where}: field {number} is truncated")
        else:
            raise ProtobufError(f"{where}: field {number} has unsupported wire type {wire_type}")


def as_bytes(payload: int | bytes, where: str) -> bytes:
    if not isinstance(payload, bytes):
        raise ProtobufError(f"{where}: wire type 0 (varint), expected 2 (length-delimited)")
    return payload


def as_int(payload: int | bytes, where: str, bits: int) -> int:
    """Go's reading of a varint into int32/int64: keep the low bits, two's complement."""
    if isinstance(payload, bytes):
        raise ProtobufError(f"{where}: wire type 2 (length-delimited), expected 0 (varint)")
    value = payload & ((1 << bits) - 1)
    return value - (1 << bits) if value >> (bits - 1) else value


def packed_ints(data: bytes, where: str) -> list[int]:
    values, pos = [], 0
    while pos < len(data):
        value, pos = _read_varint(data, pos, where)
        values.append(as_int(value, where, 64))
    return values


def last_fields(data: bytes, where: str) -> dict[int, int | bytes]:
    """The last occurrence of each field of a small fixed message (Time, IntOrString, ...)."""
    return dict(iter_fields(data, where))
