"""A demo process's standard streams: an input fed by the client, outputs that send."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

__all__ = ["Input", "Output", "collect"]

Output = Callable[[bytes], Awaitable[None]]
"""Where a process writes: stdout or stderr."""


class Input:
    """A process's stdin: bytes fed as they arrive, then its end."""

    def __init__(self, *, terminal: bool = False) -> None:
        self.terminal = terminal
        """Whether a terminal is behind it (`sh` then prompts)."""
        self._buffer = bytearray()
        self._ended = False
        self._changed = asyncio.Event()

    @classmethod
    def of(cls, data: bytes) -> Input:
        """An input that holds `data` and ends (a pipe from a finished command)."""
        given = cls()
        given.feed(data)
        given.end()
        return given

    def feed(self, data: bytes) -> None:
        self._buffer.extend(data)
        self._changed.set()

    def end(self) -> None:
        self._ended = True
        self._changed.set()

    async def _wait(self) -> None:
        self._changed.clear()
        await self._changed.wait()

    async def readline(self) -> bytes:
        """The next line with its newline; what is left at the end; b"" once ended."""
        while b"\n" not in self._buffer and not self._ended:
            await self._wait()
        end = self._buffer.find(b"\n") + 1 or len(self._buffer)
        line = bytes(self._buffer[:end])
        del self._buffer[:end]
        return line

    async def read(self) -> bytes:
        """Everything up to the end."""
        while not self._ended:
            await self._wait()
        data = bytes(self._buffer)
        self._buffer.clear()
        return data


def collect(into: bytearray) -> Output:
    """An output that appends to `into` (the left side of a pipe)."""

    async def write(data: bytes) -> None:
        into.extend(data)

    return write
