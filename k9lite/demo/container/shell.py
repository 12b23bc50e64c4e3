"""The tiny shell of a demo container: `sh -c SCRIPT`, and `sh` reading commands from stdin.

Enough of POSIX sh for the tutorials' one-liners (syntax.py), run with ash's habits: messages
and exit statuses are busybox ash's (`sh: foo: not found`, 127; a syntax error, 2;
`NAME=value` assignments, `exit N`). The programs themselves are the container's (commands.py).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace

from k9lite.demo.container.streams import Input, Output, collect
from k9lite.demo.container.syntax import For, Script, ShellSyntaxError, Simple, Word, parse

__all__ = ["PROMPT", "Command", "Shell", "ShellIO"]

_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.DOTALL)
PROMPT = b"/ # "
"""busybox ash's prompt for root."""


@dataclass(frozen=True, slots=True)
class ShellIO:
    """A command's standard streams."""

    stdin: Input
    out: Output
    err: Output


Command = Callable[[list[str], ShellIO], Awaitable[int]]
"""A program: its argv (the name first) and streams; it returns its exit status."""


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class Shell:
    """One shell process: its variables, and the programs it can run by name."""

    def __init__(self, programs: Mapping[str, Command], env: Mapping[str, str]) -> None:
        self.programs = programs
        self.variables = dict(env)
        self.status = 0

    def knows(self, name: str) -> bool:
        """Whether `name` is a program of the image (the shell's own words are not)."""
        return _base(name) in self.programs or _base(name) in _PROGRAMS

    async def run(self, source: str, io: ShellIO) -> int:
        """Run a script to its end or to `exit`; its exit status."""
        try:
            return await self._script(parse(source), io)
        except ShellSyntaxError as exc:
            await io.err(f"sh: syntax error: {exc}\n".encode())
            self.status = 2
            return 2
        except _Exit as exc:
            self.status = exc.status
            return exc.status

    async def interactive(self, io: ShellIO, *, prompt: bool) -> int:
        """`sh` with no script: run each line of stdin until its end or `exit`."""
        while True:
            if prompt:
                await io.out(PROMPT)
            line = await io.stdin.readline()
            if not line:
                return self.status
            try:
                await self._script(parse(line.decode(errors="replace")), io)
            except ShellSyntaxError as exc:
                await io.err(f"sh: syntax error: {exc}\n".encode())
                self.status = 2
            except _Exit as exc:
                return exc.status

    async def exec(self, argv: list[str], io: ShellIO) -> int:
        """Run one argv, as `exec` (or a shell) starts a program."""
        name = _base(argv[0])
        if name in ("sh", "ash"):
            return await self._sh(argv, io)
        if name == "exit":
            code = argv[1] if len(argv) > 1 else str(self.status)
            raise _Exit(int(code) & 0xFF if code.lstrip("-").isdigit() else 2)
        if name in ("true", "false"):
            return int(name == "false")
        program = self.programs.get(name)
        if program is None:
            await io.err(f"sh: {argv[0]}: not found\n".encode())
            return 127
        return await program(argv, io)

    async def _sh(self, argv: list[str], io: ShellIO) -> int:
        child = Shell(self.programs, self.variables)
        if len(argv) > 1 and argv[1] == "-c":
            if len(argv) < 3:
                await io.err(b"sh: -c requires an argument\n")
                return 2
            return await child.run(argv[2], io)
        if len(argv) > 1 and argv[1] != "-i":
            await io.err(f"sh: can't open '{argv[1]}': No such file or directory\n".encode())
            return 2
        return await child.interactive(io, prompt=io.stdin.terminal)

    async def _script(self, script: Script, io: ShellIO) -> int:
        for item in script:
            self.status = await self._pipeline(item.first, io)
            for operator, pipeline in item.rest:
                if (operator == "&&") == (self.status == 0):
                    self.status = await self._pipeline(pipeline, io)
        return self.status

    async def _pipeline(self, commands: tuple[Simple | For, ...], io: ShellIO) -> int:
        stdin = io.stdin
        for command in commands[:-1]:
            captured = bytearray()
            await self._command(command, replace(io, stdin=stdin, out=collect(captured)))
            stdin = Input.of(bytes(captured))
        return await self._command(commands[-1], replace(io, stdin=stdin))

    async def _command(self, command: Simple | For, io: ShellIO) -> int:
        if isinstance(command, For):
            status = 0
            for item in self._expand(command.items):
                self.variables[command.variable] = item
                status = await self._script(command.body, io)
            return status
        argv = self._expand(command.words)
        while argv and (assignment := _ASSIGNMENT.fullmatch(argv[0])):
            self.variables[assignment.group(1)] = assignment.group(2)
            argv = argv[1:]
        if not argv:
            return 0
        return await self.exec(argv, io)

    def _expand(self, words: tuple[Word, ...]) -> list[str]:
        expanded: list[str] = []
        for word in words:
            text = "".join(
                (str(self.status) if text == "?" else self.variables.get(text, ""))
                if variable
                else text
                for text, variable in word.parts
            )
            # An unquoted word that expands to nothing is no word at all.
            if text or word.quoted:
                expanded.append(text)
        return expanded


_PROGRAMS = frozenset({"sh", "ash", "true", "false"})


def _base(name: str) -> str:
    """`/bin/sh` and `sh` are the same program in a busybox image."""
    return name.rsplit("/", 1)[-1] if name.startswith(("/bin/", "/usr/bin/")) else name
