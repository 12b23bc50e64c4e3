"""Label and field selectors with kube-apiserver's grammar, matching rules and error texts.

Restates k8s.io/apimachinery `pkg/labels/selector.go` and `pkg/fields/selector.go`; keys and
values are checked by `k9lite.model.names`, so parse errors carry kube-apiserver's messages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from k9lite.model.names import is_label_value, is_qualified_name, join_errors

__all__ = ["FieldSelector", "LabelSelector", "Requirement", "SelectorError"]


class SelectorError(ValueError):
    """A selector kube-apiserver would refuse; the message is the one it answers with."""


def _quote(value: str) -> str:
    # Go's %q on the printable ASCII that label keys and values allow.
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _invalid_key(key: str, field: str = "<nil>") -> str | None:
    # The parser validates keys against a nil field.Path, which Go prints as "<nil>".
    errors = is_qualified_name(key)
    return f"{field}: Invalid value: {_quote(key)}: {'; '.join(errors)}" if errors else None


def _invalid_value(key: str, index: int, value: str) -> str | None:
    errors = is_label_value(value)
    if not errors:
        return None
    return f"values[{index}][{key}]: Invalid value: {_quote(value)}: {'; '.join(errors)}"


# -- label selectors ----------------------------------------------------------------------------

_OPERATORS = ("=", "!=", "in", "notin", "exists", "!")


@dataclass(frozen=True, slots=True)
class Requirement:
    """One term of a label selector: `key` related to `values` by `operator`."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.operator not in _OPERATORS:
            raise SelectorError(f'"{self.operator}" is not a valid label selector operator')

    def matches(self, labels: Mapping[str, str]) -> bool:
        """labels.Requirement.Matches: `!=` and `notin` also match when the key is absent."""
        if self.operator in ("=", "in"):
            return self.key in labels and labels[self.key] in self.values
        if self.operator in ("!=", "notin"):
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "exists":
            return self.key in labels
        return self.key not in labels

    def __str__(self) -> str:
        if self.operator == "exists":
            return self.key
        if self.operator == "!":
            return "!" + self.key
        values = ",".join(sorted(self.values))
        if self.operator in ("in", "notin"):
            return f"{self.key} {self.operator} ({values})"
        return f"{self.key}{self.operator}{values}"


def _new_requirement(key: str, operator: str, values: Iterable[str]) -> Requirement:
    """labels.NewRequirement: values as a sorted set, each checked as a label value."""
    ordered = tuple(sorted(set(values)))
    problems = [] if (key_problem := _invalid_key(key, "key")) is None else [key_problem]
    if operator in ("in", "notin") and not ordered:
        problems.append(
            "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"
        )
    if operator in ("exists", "!") and ordered:
        problems.append(
            f"values: Invalid value: {json.dumps(list(ordered), separators=(',', ':'))}: "
            "values set must be empty for exists and does not exist"
        )
    problems.extend(
        problem
        for index, value in enumerate(ordered)
        if (problem := _invalid_value(key, index, value)) is not None
    )
    if problems:
        raise SelectorError(join_errors(problems))
    return Requirement(key, operator, ordered)


# Lexer tokens, as selector.go names them.
_END, _IDENTIFIER, _OPEN, _CLOSE, _COMMA, _NOT, _EQUALS, _NOT_EQUALS, _IN, _NOT_IN, _ORDER = range(
    11
)
_SYMBOLS = {
    "==": _EQUALS,
    "!=": _NOT_EQUALS,
    "=": _EQUALS,
    "!": _NOT,
    "(": _OPEN,
    ")": _CLOSE,
    ",": _COMMA,
    ">": _ORDER,
    "<": _ORDER,
}
_KEYWORDS = {"in": _IN, "notin": _NOT_IN}
_SPECIAL = frozenset("=!(),<>")
_WHITESPACE = frozenset(" \t\r\n")


def _lex(text: str) -> list[tuple[int, str]]:
    """The selector.go lexer: identifiers, keywords and (longest match) special symbols."""
    tokens: list[tuple[int, str]] = []
    position = 0
    while True:
        while position < len(text) and text[position] in _WHITESPACE:
            position += 1
        if position == len(text):
            tokens.append((_END, ""))
            return tokens
        if text[position] in _SPECIAL:
            symbol = text[position : position + 2]
            if symbol not in ("==", "!="):
                symbol = text[position]
            tokens.append((_SYMBOLS[symbol], symbol))
            position += len(symbol)
            continue
        start = position
        while (
            position < len(text)
            and text[position] not in _SPECIAL
            and text[position] not in _WHITESPACE
        ):
            position += 1
        word = text[start:position]
        tokens.append((_KEYWORDS.get(word, _IDENTIFIER), word))


class _Parser:
    """selector.go's recursive descent; `in`/`notin` read as plain words where values go."""

    def __init__(self, text: str) -> None:
        self._tokens = _lex(text)
        self._position = 0

    def _peek(self, as_value: bool = True) -> tuple[int, str]:
        kind, literal = self._tokens[self._position]
        if as_value and kind in (_IN, _NOT_IN):
            kind = _IDENTIFIER
        return kind, literal

    def _next(self, as_value: bool = True) -> tuple[int, str]:
        token = self._peek(as_value)
        self._position += 1
        return token

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            kind, literal = self._peek()
            if kind == _END:
                return requirements
            if kind not in (_IDENTIFIER, _NOT):
                raise SelectorError(
                    f"found '{literal}', expected: !, identifier, or 'end of string'"
                )
            try:
                requirements.append(self._requirement())
            except SelectorError as error:
                raise SelectorError(f"unable to parse requirement: {error}") from None
            kind, literal = self._next()
            if kind == _END:
                return requirements
            if kind != _COMMA:
                raise SelectorError(f"found '{literal}', expected: ',' or 'end of string'")
            kind, literal = self._peek()
            if kind not in (_IDENTIFIER, _NOT):
                raise SelectorError(f"found '{literal}', expected: identifier after ','")

    def _requirement(self) -> Requirement:
        kind, key = self._next()
        negated = kind == _NOT
        if negated:
            kind, key = self._next()
        if kind != _IDENTIFIER:
            raise SelectorError(f"found '{key}', expected: identifier")
        if (problem := _invalid_key(key)) is not None:
            raise SelectorError(problem)
        # `!key` is complete on its own; whatever follows is the caller's ',' or end.
        if negated:
            return _new_requirement(key, "!", ())
        if self._peek()[0] in (_END, _COMMA):
            return _new_requirement(key, "exists", ())
        kind, literal = self._next(as_value=False)
        if kind in (_IN, _NOT_IN):
            return _new_requirement(key, literal, self._value_set())
        if kind in (_EQUALS, _NOT_EQUALS):
            return _new_requirement(key, "!=" if kind == _NOT_EQUALS else "=", self._exact())
        if kind == _ORDER:
            raise SelectorError(f"found '{literal}': the gt and lt operators are not supported")
        raise SelectorError(f"found '{literal}', expected: in, notin, =, ==, !=, gt, lt")

    def _exact(self) -> list[str]:
        if self._peek()[0] in (_END, _COMMA):
            return [""]
        kind, literal = self._next()
        if kind != _IDENTIFIER:
            raise SelectorError(f"found '{literal}', expected: identifier")
        return [literal]

    def _value_set(self) -> set[str]:
        kind, literal = self._next()
        if kind != _OPEN:
            raise SelectorError(f"found '{literal}' expected: '('")
        kind, literal = self._peek()
        if kind == _CLOSE:
            self._next()
            return {""}
        if kind not in (_IDENTIFIER, _COMMA):
            raise SelectorError(f"found '{literal}', expected: ',', ')' or identifier")
        values = self._identifiers()
        if self._next()[0] != _CLOSE:
            # selector.go reports the token seen before the list here, not the one after it.
            raise SelectorError(f"found '{literal}', expected: ')'")
        return values

    def _identifiers(self) -> set[str]:
        # Empty strings are values too: "(,a)", "(a,)" and "(a,,b)" all contain "".
        values: set[str] = set()
        while True:
            kind, literal = self._next()
            if kind == _IDENTIFIER:
                values.add(literal)
                following, following_literal = self._peek()
                if following == _CLOSE:
                    return values
                if following != _COMMA:
                    raise SelectorError(f"found '{following_literal}', expected: ',' or ')'")
            elif kind == _COMMA:
                if not values:
                    values.add("")
                following = self._peek()[0]
                if following == _CLOSE:
                    values.add("")
                    return values
                if following == _COMMA:
                    self._next()
                    values.add("")
            else:
                raise SelectorError(f"found '{literal}', expected: ',', or identifier")


_EXPRESSION_OPERATORS = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}


@dataclass(frozen=True, slots=True)
class LabelSelector:
    """The AND of its requirements, kept sorted by key; no requirements selects everything."""

    requirements: tuple[Requirement, ...] = ()

    @classmethod
    def parse(cls, text: str) -> LabelSelector:
        """labels.Parse: `a=b,c!=d,e in (x,y),f notin (z),g,!h`; "" selects everything."""
        return cls._sorted(_Parser(text).parse())

    @classmethod
    def from_label_selector(cls, spec: Mapping[str, Any] | None) -> LabelSelector:
        """A metav1.LabelSelector (matchLabels + matchExpressions); None or {} selects all."""
        if not spec:
            return cls()
        requirements = [
            _new_requirement(key, "=", (value,))
            for key, value in (spec.get("matchLabels") or {}).items()
        ]
        for expression in spec.get("matchExpressions") or ():
            operator = _EXPRESSION_OPERATORS.get(expression.get("operator", ""))
            if operator is None:
                raise SelectorError(
                    f'"{expression.get("operator", "")}" is not a valid label selector operator'
                )
            values = expression.get("values") or ()
            requirements.append(_new_requirement(expression.get("key", ""), operator, values))
        return cls._sorted(requirements)

    @classmethod
    def from_service_selector(cls, selector: Mapping[str, str] | None) -> LabelSelector | None:
        """A Service's `spec.selector`; None when absent or empty (endpoints managed by hand).

        Not validated, like SelectorFromValidatedSet: stored Services passed validation.
        """
        if not selector:
            return None
        return cls._sorted(Requirement(key, "=", (value,)) for key, value in selector.items())

    @classmethod
    def _sorted(cls, requirements: Iterable[Requirement]) -> LabelSelector:
        return cls(tuple(sorted(requirements, key=lambda requirement: requirement.key)))

    @property
    def empty(self) -> bool:
        """True when the selector does not restrict anything (labels.Selector.Empty)."""
        return not self.requirements

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(requirement.matches(labels) for requirement in self.requirements)

    def __str__(self) -> str:
        return ",".join(str(requirement) for requirement in self.requirements)


# -- field selectors ----------------------------------------------------------------------------

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
    current: Any = obj
    for part in path.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current
