"""Field selectors with kube-apiserver's grammar, matching rules and error texts.

Restates k8s.io/apimachinery `pkg/fields/selector.go`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from k9lite.model.selector_errors import SelectorError

__all__ = ["FieldSelector"]

_FIELD_ESCAPES = str.maketrans({"\\": "\\\\", ",": "\\,", "=": "\\="})


def _split_terms(text: str) -> list[str]:
    """fields.splitTerms: split on commas not escaped by a backslash (escapes kept)."""
    terms: list[str] = []
    start = 0
    escaped = False
    for index, character in enumerate(text):
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == ",":
            terms.append(text[start:index])
            start = index + 1
    terms.append(text[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    """fields.splitTerm: the first `!=`, `==` or `=` splits; the field part has no escapes."""
    for index in range(len(term)):
        for operator in ("!=", "==", "="):
            if term.startswith(operator, index):
                return term[:index], operator, term[index + len(operator) :]
    return None


def _unescape(value: str) -> str:
    """fields.UnescapeValue: `\\\\`, `\\,` and `\\=` only; bare `,` or `=` are errors."""
    result: list[str] = []
    escaped = False
    for character in value:
        if escaped:
            if character not in "\\,=":
                raise SelectorError(
                    f"invalid field selector: invalid escape sequence: \\{character}"
                )
            result.append(character)
            escaped = False
        elif character == "\\":
            escaped = True
        elif character in ",=":
            # Go formats the rune with %v, i.e. as its code point number.
            raise SelectorError(
                f"invalid field selector: unescaped character in value: {ord(character)}"
            )
        else:
            result.append(character)
    if escaped:
        raise SelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(result)


def _field_text(value: Any) -> str:
    # Field sets hold strings: booleans as Go's strconv.FormatBool writes them, absent as "".
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True, slots=True)
class FieldSelector:
    """The AND of (dotted path, `=` or `!=`, value) terms over an object's JSON."""

    requirements: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def parse(cls, text: str) -> FieldSelector:
        """fields.ParseSelector: `metadata.name=x,spec.nodeName!=`; `==` is `=`."""
        terms: list[tuple[str, str, str]] = []
        for part in sorted(_split_terms(text)):
            if not part:
                continue
            split = _split_term(part)
            if split is None:
                raise SelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
            path, operator, raw = split
            value = _unescape(raw)
            # A term with neither field nor value ("=") selects everything and is dropped.
            if path or value:
                terms.append((path, "!=" if operator == "!=" else "=", value))
        return cls(tuple(terms))

    @property
    def empty(self) -> bool:
        return not self.requirements

    def matches(self, obj: Mapping[str, Any]) -> bool:
        """Each path is looked up in `obj`; a missing field reads as ""."""
        for path, operator, value in self.requirements:
            if (_field_text(_lookup(obj, path)) == value) != (operator == "="):
                return False
        return True

    def __str__(self) -> str:
        return ",".join(
            f"{path}{operator}{value.translate(_FIELD_ESCAPES)}"
            for path, operator, value in self.requirements
        )


def _lookup(obj: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or None where the path leaves the maps."""
    current: Any = obj
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current
