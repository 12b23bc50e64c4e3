"""labels.Parse's grammar: selector.go's lexer and recursive-descent parser, with its messages.

`a=b,c!=d,e in (x,y),f notin (z),g,!h` becomes a list of `Requirement`s.
"""

from __future__ import annotations

from k9lite.model.label_requirements import Requirement, invalid_key, new_requirement
from k9lite.model.selector_errors import SelectorError

__all__ = ["parse_requirements"]

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
        if (problem := invalid_key(key)) is not None:
            raise SelectorError(problem)
        # `!key` is complete on its own; whatever follows is the caller's ',' or end.
        if negated:
            return new_requirement(key, "!", ())
        if self._peek()[0] in (_END, _COMMA):
            return new_requirement(key, "exists", ())
        kind, literal = self._next(as_value=False)
        if kind in (_IN, _NOT_IN):
            return new_requirement(key, literal, self._value_set())
        if kind in (_EQUALS, _NOT_EQUALS):
            return new_requirement(key, "!=" if kind == _NOT_EQUALS else "=", self._exact())
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


def parse_requirements(text: str) -> list[Requirement]:
    """The requirements of a label selector's text, in the order written; "" has none."""
    return _Parser(text).parse()
