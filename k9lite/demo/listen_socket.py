"""A listening socket whose connections are accepted by us, not by an asyncio.Server.

On Python 3.11 a connection that asyncio.Server accepts just before `Server.close()` fails the
server's `_attach` assertion while its transport is built; the half-built transport is dropped
unclosed (a ResourceWarning, and a socket held until the collector finds it). Accepting here,
synchronously in a reader callback, loses no socket: each one is handed to `on_socket` (e.g.
`loop.connect_accepted_socket`, which builds a transport with no server), and `close()` stops
listening and cancels what is still being handed over (a TLS handshake under way).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Coroutine
from typing import Any

__all__ = ["ListenSocket"]

_RETRY_SECONDS = 1.0


class ListenSocket:
    """127.0.0.1:`port` (0: a free one, then `port` says which), accepting into `on_socket`."""

    def __init__(
        self, port: int, on_socket: Callable[[socket.socket], Coroutine[Any, Any, Any]]
    ) -> None:
        self._on_socket = on_socket
        self._socket = socket.create_server(("127.0.0.1", port))
        self._socket.setblocking(False)
        self.port: int = self._socket.getsockname()[1]
        self._pending: dict[asyncio.Task[Any], socket.socket] = {}
        self._loop = asyncio.get_running_loop()
        self._retry: asyncio.TimerHandle | None = None
        self._loop.add_reader(self._socket, self._accept_ready)

    def _accept_ready(self) -> None:
        while True:
            try:
                conn, _ = self._socket.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # e.g. out of descriptors: try again in a second, as asyncio does
                self._loop.remove_reader(self._socket)
                self._retry = self._loop.call_later(_RETRY_SECONDS, self._listen_again)
                return
            task = self._loop.create_task(self._on_socket(conn))
            self._pending[task] = conn
            task.add_done_callback(self._handed_over)

    def _listen_again(self) -> None:
        self._retry = None
        self._loop.add_reader(self._socket, self._accept_ready)

    def _handed_over(self, task: asyncio.Task[Any]) -> None:
        """A socket whose hand-over failed or was cancelled (even before it began) is closed."""
        conn = self._pending.pop(task)
        if task.cancelled() or task.exception() is not None:
            conn.close()

    async def close(self) -> None:
        """Stop listening; connections still being handed over are closed."""
        if self._retry is not None:
            self._retry.cancel()
        self._loop.remove_reader(self._socket)
        self._socket.close()
        for task in list(self._pending):
            task.cancel()
        await asyncio.gather(*self._pending, return_exceptions=True)
