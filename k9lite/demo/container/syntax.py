"""The syntax of the demo container's shell: words, lists, pipelines and `for` loops.

A subset of the POSIX shell grammar (XCU 2.10): `;` and newlines, `&&`, `||`, `|`,
`for NAME [in WORDS]; do LIST; done`, `$NAME`, `${NAME}`, `$?`, single and double quotes,
backslash escapes, `#` comments. Errors read as busybox ash's (`unexpected "done"`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["AndOr", "For", "Script", "ShellSyntaxError", "Simple", "Word", "parse"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ShellSyntaxError(Exception):
    """What ash reports as `sh: syntax error: MESSAGE` (exit status 2)."""


@dataclass(frozen=True, slots=True)
class Word:
    """One word as written: literal text and `$NAME` references, expanded when it runs."""

    parts: tuple[tuple[str, bool], ...]
    quoted: bool

    def keyword(self) -> str | None:
        """The word as a reserved word (`for`, `do`...): only plain, unquoted text is one."""
        if self.quoted or len(self.parts) != 1 or self.parts[0][1]:
            return None
        return self.parts[0][0]


@dataclass(frozen=True, slots=True)
class Simple:
    words: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class For:
    variable: str
    items: tuple[Word, ...]
    body: Script


@dataclass(frozen=True, slots=True)
class AndOr:
    """Pipelines joined by `&&` and `||`; each pipeline is one or more commands."""

    first: tuple[Simple | For, ...]
    rest: tuple[tuple[str, tuple[Simple | For, ...]], ...]


Script = tuple[AndOr, ...]
Token = Word | str


class _Lexer:
    """Splits a script into words and the operators `;` (or newline), `&&`, `||`, `|`."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.i = 0
        self.tokens: list[Token] = []
        self._new_word()

    def _new_word(self) -> None:
        self.parts: list[tuple[str, bool]] = []
        self.text: list[str] = []
        self.started = False
        self.quoted = False

    def _flush(self) -> None:
        if self.text:
            self.parts.append(("".join(self.text), False))
            self.text = []

    def _end_word(self) -> None:
        if self.started:
            self._flush()
            self.tokens.append(Word(tuple(self.parts), self.quoted))
        self._new_word()

    def _variable(self) -> None:
        s, i = self.source, self.i + 1
        if s[i : i + 1] == "{":
            end = s.find("}", i)
            name = s[i + 1 : end] if end > 0 else ""
            if not (_NAME.fullmatch(name) or name == "?"):
                raise ShellSyntaxError("bad substitution")
            self.i = end + 1
        elif s[i : i + 1] == "?":
            name, self.i = "?", i + 1
        elif match := _NAME.match(s, i):
            name, self.i = match.group(), match.end()
        else:
            self.text.append("$")
            self.i = i
            return
        self._flush()
        self.parts.append((name, True))

    def _double_quoted(self) -> None:
        s = self.source
        self.i += 1
        while self.i < len(s) and s[self.i] != '"':
            if s[self.i] == "$":
                self._variable()
                continue
            if s[self.i] == "\\" and s[self.i + 1 : self.i + 2] in ('"', "\\", "$", "`"):
                self.i += 1
            self.text.append(s[self.i])
            self.i += 1
        if self.i >= len(s):
            raise ShellSyntaxError("unterminated quoted string")
        self.i += 1

    def run(self) -> list[Token]:
        s = self.source
        while self.i < len(s):
            c = s[self.i]
            if c in " \t":
                self._end_word()
                self.i += 1
            elif c in ";\n":
                self._end_word()
                self.tokens.append(";")
                self.i += 1
            elif c in "&|":
                self._end_word()
                pair = s[self.i : self.i + 2]
                if pair in ("&&", "||"):
                    self.tokens.append(pair)
                    self.i += 2
                elif c == "|":
                    self.tokens.append("|")
                    self.i += 1
                else:
                    raise ShellSyntaxError('unexpected "&"')
            elif c == "#" and not self.started:
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end
            else:
                self._word_character(c)
        self._end_word()
        return self.tokens

    def _word_character(self, c: str) -> None:
        s = self.source
        self.started = True
        if c == "'":
            end = s.find("'", self.i + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated quoted string")
            self.text.append(s[self.i + 1 : end])
            self.quoted = True
            self.i = end + 1
        elif c == '"':
            self.quoted = True
            self._double_quoted()
        elif c == "\\":
            self.text.append(s[self.i + 1 : self.i + 2])
            self.quoted = True
            self.i += 2
        elif c == "$":
            self._variable()
        else:
            self.text.append(c)
            self.i += 1


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def _peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _keyword(self) -> str | None:
        token = self._peek()
        return token.keyword() if isinstance(token, Word) else None

    def _unexpected(self, expecting: str = "") -> ShellSyntaxError:
        token = self._peek()
        if token is None:
            suffix = f" (expecting {expecting})" if expecting else ""
            return ShellSyntaxError(f"unexpected end of file{suffix}")
        shown = token if isinstance(token, str) else (token.keyword() or "word")
        return ShellSyntaxError(f'unexpected "{shown}"')

    def script(self, until: str | None = None) -> Script:
        items: list[AndOr] = []
        while True:
            while self._peek() == ";":
                self.pos += 1
            if self._peek() is None or (until is not None and self._keyword() == until):
                return tuple(items)
            items.append(self._and_or())
            if self._peek() not in (";", None):
                raise self._unexpected()

    def _and_or(self) -> AndOr:
        first = self._pipeline()
        rest: list[tuple[str, tuple[Simple | For, ...]]] = []
        while (operator := self._peek()) in ("&&", "||"):
            self.pos += 1
            assert isinstance(operator, str)
            rest.append((operator, self._pipeline()))
        return AndOr(first, tuple(rest))

    def _pipeline(self) -> tuple[Simple | For, ...]:
        commands = [self._command()]
        while self._peek() == "|":
            self.pos += 1
            commands.append(self._command())
        return tuple(commands)

    def _command(self) -> Simple | For:
        if self._keyword() == "for":
            return self._for()
        if self._keyword() in ("do", "done", "in"):
            raise self._unexpected()
        words: list[Word] = []
        while isinstance(token := self._peek(), Word):
            words.append(token)
            self.pos += 1
        if not words:
            raise self._unexpected()
        return Simple(tuple(words))

    def _expect(self, keyword: str) -> None:
        if self._keyword() != keyword:
            raise self._unexpected(f'"{keyword}"')
        self.pos += 1

    def _for(self) -> For:
        self.pos += 1
        variable = self._keyword()
        if variable is None or not _NAME.fullmatch(variable):
            raise ShellSyntaxError("bad for loop variable")
        self.pos += 1
        items: list[Word] = []
        if self._keyword() == "in":
            self.pos += 1
            while isinstance(token := self._peek(), Word):
                items.append(token)
                self.pos += 1
        while self._peek() == ";":
            self.pos += 1
        self._expect("do")
        body = self.script(until="done")
        self._expect("done")
        return For(variable, tuple(items), body)


def parse(source: str) -> Script:
    """The script's syntax tree; ShellSyntaxError as ash would refuse it."""
    return _Parser(_Lexer(source).run()).script()
