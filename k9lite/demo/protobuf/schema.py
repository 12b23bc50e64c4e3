"""How a schema describes a protobuf message: its fields, their JSON kind and Go presence rules.

The field constructors (`string`, `int32`, `msg`, ...) keep the message tables close to the
`generated.proto` files they restate.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "OMIT",
    "PTR",
    "VALUE",
    "Field",
    "Kind",
    "Message",
    "Presence",
    "boolean",
    "inline",
    "int32",
    "int64",
    "message",
    "msg",
    "msgs",
    "special",
    "string",
    "strings",
]


class Kind(enum.Enum):
    """How one field's payload becomes JSON."""

    STRING = enum.auto()
    BYTES = enum.auto()
    INT32 = enum.auto()
    INT64 = enum.auto()
    BOOL = enum.auto()
    MESSAGE = enum.auto()
    STRING_MAP = enum.auto()
    QUANTITY_MAP = enum.auto()
    BYTES_MAP = enum.auto()
    """`map<string, bytes>`: JSON carries each value in base64."""
    TIME = enum.auto()
    INT_OR_STRING = enum.auto()
    QUANTITY = enum.auto()
    FIELDS_V1 = enum.auto()


class Presence(enum.Enum):
    """When a field appears in the JSON, after Go's encoding/json rules for its struct tag."""

    OMITEMPTY = enum.auto()
    """`json:",omitempty"` on a value: dropped when it is Go's zero value."""
    POINTER = enum.auto()
    """A Go pointer: present exactly when it was on the wire, even if zero (`replicas: 0`)."""
    VALUE = enum.auto()
    """No omitempty, or a non-pointer struct: always present, the zero value when not sent."""
    INLINE = enum.auto()
    """An embedded struct (`json:",inline"`): its fields are merged into the parent."""


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a message: its number on the wire and its name and rules in JSON."""

    number: int
    name: str
    kind: Kind
    presence: Presence
    repeated: bool = False
    message: Message | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """A protobuf message type, its fields in Go struct order (the order JSON is written in)."""

    name: str
    fields: Mapping[int, Field]


OMIT, PTR, VALUE = Presence.OMITEMPTY, Presence.POINTER, Presence.VALUE


def message(name: str, *fields: Field) -> Message:
    return Message(name, {f.number: f for f in fields})


def string(number: int, name: str, presence: Presence = OMIT) -> Field:
    return Field(number, name, Kind.STRING, presence)


def int32(number: int, name: str, presence: Presence = OMIT) -> Field:
    return Field(number, name, Kind.INT32, presence)


def int64(number: int, name: str, presence: Presence = OMIT) -> Field:
    return Field(number, name, Kind.INT64, presence)


def boolean(number: int, name: str, presence: Presence = OMIT) -> Field:
    return Field(number, name, Kind.BOOL, presence)


def strings(number: int, name: str) -> Field:
    return Field(number, name, Kind.STRING, OMIT, repeated=True)


def msg(number: int, name: str, message: Message, presence: Presence = PTR) -> Field:
    return Field(number, name, Kind.MESSAGE, presence, message=message)


def msgs(number: int, name: str, message: Message) -> Field:
    return Field(number, name, Kind.MESSAGE, OMIT, repeated=True, message=message)


def inline(number: int, message: Message) -> Field:
    return Field(number, message.name, Kind.MESSAGE, Presence.INLINE, message=message)


def special(number: int, name: str, kind: Kind, presence: Presence = OMIT) -> Field:
    return Field(number, name, kind, presence)
