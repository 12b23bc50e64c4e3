"""The causes of a 422 and the checker that collects them while reading a JSON object."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from k9lite.model.names import is_label_value, is_port_name, is_qualified_name, join_errors

__all__ = ["Cause", "Checker", "Rules", "invalid_message", "render"]

_PROTOCOLS = ("SCTP", "TCP", "UDP")
_NEGATIVE = "must be greater than or equal to 0"


@dataclass(frozen=True, slots=True)
class Cause:
    """One StatusCause of a 422: the field path, the message body and the metav1.CauseType."""

    field: str
    message: str
    reason: str


def invalid_message(kind: str, name: str, causes: Sequence[Cause]) -> str:
    """The 422 Status message; `kind` is the GroupKind as Go prints it ("Deployment.apps")."""
    reasons = join_errors(f"{cause.field}: {cause.message}" for cause in causes)
    return f"{kind} {json.dumps(name, ensure_ascii=False)} is invalid: {reasons}"


def render(value: Any) -> str:
    """field.Error's rendering of a bad value: plain numbers, quoted strings, JSON otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


class Checker:
    """Collects causes in order, and reads fields whose JSON type may be wrong."""

    def __init__(self) -> None:
        self.causes: list[Cause] = []

    def invalid(self, field: str, value: Any, detail: str) -> None:
        self.causes.append(
            Cause(field, f"Invalid value: {render(value)}: {detail}", "FieldValueInvalid")
        )

    def each_invalid(self, field: str, value: Any, details: Sequence[str]) -> None:
        for detail in details:
            self.invalid(field, value, detail)

    def required(self, field: str, detail: str = "") -> None:
        message = f"Required value: {detail}" if detail else "Required value"
        self.causes.append(Cause(field, message, "FieldValueRequired"))

    def forbidden(self, field: str, detail: str) -> None:
        self.causes.append(Cause(field, f"Forbidden: {detail}", "FieldValueForbidden"))

    def duplicate(self, field: str, value: Any) -> None:
        self.causes.append(Cause(field, f"Duplicate value: {render(value)}", "FieldValueDuplicate"))

    def one_of(self, field: str, value: str, supported: Sequence[str]) -> None:
        """Required when empty, Unsupported when not one of `supported` (listed as given)."""
        if not value:
            self.required(field)
        elif value not in supported:
            listed = ", ".join(json.dumps(choice) for choice in supported)
            self.causes.append(
                Cause(
                    field,
                    f"Unsupported value: {render(value)}: supported values: {listed}",
                    "FieldValueNotSupported",
                )
            )

    # Typed reads. The real server refuses a wrongly typed body while decoding it (400); here
    # it becomes one cause, so validation never trips over an unexpected type.

    def _typed(self, obj: Mapping[str, Any], key: str, field: str, kind: type, name: str) -> Any:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.invalid(field, value, f"must be of type {name}")
            return None
        return value

    def text(self, obj: Mapping[str, Any], key: str, field: str) -> str:
        value: str | None = self._typed(obj, key, field, str, "string")
        return value or ""

    def integer(self, obj: Mapping[str, Any], key: str, field: str) -> int | None:
        value: int | None = self._typed(obj, key, field, int, "integer")
        return value

    def mapping(self, obj: Mapping[str, Any], key: str, field: str) -> Mapping[str, Any]:
        value: Mapping[str, Any] | None = self._typed(obj, key, field, dict, "object")
        return value or {}

    def objects(self, obj: Mapping[str, Any], key: str, field: str) -> list[Mapping[str, Any]]:
        """A list of objects; items of another type are reported and skipped."""
        value: list[Any] = self._typed(obj, key, field, list, "array") or []
        items: list[Mapping[str, Any]] = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                items.append(item)
            else:
                self.invalid(f"{field}[{index}]", item, "must be of type object")
        return items

    def string_map(self, obj: Mapping[str, Any], key: str, field: str) -> dict[str, str]:
        """Labels, annotations, selectors: string to string, other values reported."""
        strings = {}
        for name, value in self.mapping(obj, key, field).items():
            if isinstance(value, str):
                strings[name] = value
            else:
                self.invalid(f"{field}[{name}]", value, "must be of type string")
        return strings

    # Shared rules.

    def labels(self, labels: Mapping[str, str], field: str) -> None:
        """ValidateLabels: every key a qualified name, every value a label value."""
        for key, value in labels.items():
            self.each_invalid(field, key, is_qualified_name(key))
            self.each_invalid(field, value, is_label_value(value))

    def annotations(self, obj: Mapping[str, Any], field: str) -> None:
        """ValidateAnnotations; keys are checked in lower case, so "Example.com/Key" passes."""
        for key in self.string_map(obj, "annotations", field):
            self.each_invalid(field, key, is_qualified_name(key.lower()))

    def port_number(self, port: int, field: str) -> None:
        if not 1 <= port <= 65535:
            self.invalid(field, port, "must be between 1 and 65535, inclusive")

    def port_number_or_name(self, obj: Mapping[str, Any], key: str, field: str) -> None:
        """ValidatePortNumOrName: an int-or-string, as targetPort is."""
        value = obj.get(key)
        if isinstance(value, str):
            self.each_invalid(field, value, is_port_name(value))
        elif (number := self.integer(obj, key, field)) is not None:
            self.port_number(number, field)

    def non_negative(self, obj: Mapping[str, Any], key: str, field: str) -> int | None:
        value = self.integer(obj, key, field)
        if value is not None and value < 0:
            self.invalid(field, value, _NEGATIVE)
        return value

    def protocol(self, port: Mapping[str, Any], field: str) -> None:
        self.one_of(field, self.text(port, "protocol", field), _PROTOCOLS)

    def ip(self, value: str, field: str) -> bool:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            self.invalid(
                field, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
            )
            return False
        return True


Rules = Callable[[Checker, Mapping[str, Any], Mapping[str, Any] | None], None]
"""The rules of one resource: the checker, the object, and the stored object on update."""
