"""The pod end of a port-forward: dialling a pod's port, as the kubelet does for each connection.

Only loopback is ever dialled: the data plane resolves the pod's IP and port to its socket.
"""

from __future__ import annotations

import asyncio
import errno
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from k9lite.demo.dataplane import DataPlane

__all__ = ["READ_SIZE", "ForwardError", "PodPorts", "pump"]

_CONNECT_TIMEOUT = 5.0
READ_SIZE = 64 * 1024
"""How much of a pod connection's bytes one read takes."""


class ForwardError(Exception):
    """A forwarded connection could not be made; the text goes to the client's error stream."""


@dataclass(frozen=True, slots=True)
class PodPorts:
    """The pod a port-forward request names, as the kubelet knows it."""

    name: str
    uid: str
    ip: str
    dataplane: DataPlane | None

    async def connect(self, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Dial the pod's `port`, or raise ForwardError with the kubelet's message."""
        target = self.dataplane.resolve(self.ip, port) if self.dataplane and self.ip else None
        try:
            if target is None:
                raise OSError(errno.ENETUNREACH, os.strerror(errno.ENETUNREACH))
            return await asyncio.wait_for(asyncio.open_connection(*target), _CONNECT_TIMEOUT)
        except TimeoutError:
            reason = "i/o timeout"
        except OSError as error:
            reason = os.strerror(error.errno).lower() if error.errno else str(error)
        # The kubelet's words around the runtime's (containerd: dial ... connect: REASON).
        raise ForwardError(
            f"error forwarding port {port} to pod {self.name}, uid {self.uid}: "
            f"failed to connect to localhost:{port} inside the pod: {reason}"
        )


async def pump(
    read: Callable[[], Awaitable[bytes]], write: Callable[[bytes], Awaitable[None]]
) -> None:
    """Copy chunks from `read` to `write` until `read` gives b"" (the end of its side)."""
    while chunk := await read():
        await write(chunk)
