"""The channels of the remote-command protocol (exec, attach), whatever carries them.

k8s.io/apimachinery pkg/util/remotecommand/constants.go numbers them as the WebSocket protocol
sends them: 0 stdin, 1 stdout, 2 stderr, 3 error (the final status), 4 resize, and v5's 255,
the client's word that it is done writing a channel. Over SPDY each is a stream of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

__all__ = ["CLOSE", "ERROR", "STDERR", "STDIN", "STDOUT", "Link"]

STDIN, STDOUT, STDERR, ERROR, CLOSE = 0, 1, 2, 3, 255


class Link(Protocol):
    """One connection's channels, as a session reads and writes them."""

    close_signal: bool
    """Whether the client says when it is done writing stdin (a CLOSE for STDIN)."""

    async def send(self, channel: int, data: bytes) -> None:
        """Write `data` on `channel` (dropped if the client is gone)."""

    def received(self) -> AsyncIterator[tuple[int, bytes]]:
        """(channel, payload) as the client sends them, until it goes."""

    async def close(self) -> None:
        """End the connection, after what was sent."""
