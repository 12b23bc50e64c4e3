"""Port-forwards: a port on 127.0.0.1 whose connections reach a pod's port, as
`kubectl port-forward` makes them.

Each local connection gets its own stream through the API server (`pods/NAME/portforward`),
opened with the official client's WebSocket port-forward (`kubernetes.stream.portforward`,
channel protocol v4: a data and an error channel per port), then piped both ways until either
side closes. The client's handshake has no timeout of its own, so it runs in a daemon thread
and is waited for with one: a server that never answers costs a thread, never the app's exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import orjson

from k9lite.kube.config import Connection
from k9lite.model.forward_target import ForwardError, ForwardTarget

if TYPE_CHECKING:
    from kubernetes.client import CoreV1Api
    from kubernetes.client.exceptions import ApiException

__all__ = ["Forward", "Forwarder"]

OPEN_TIMEOUT = 10.0
"""Seconds for the API server to open one connection's stream."""
MAX_CONNECTIONS = 64
"""Connections one forward carries at once; more are closed at once."""
_CHUNK = 64 * 1024
_T = TypeVar("_T")


@dataclass(slots=True)
class Forward:
    """One running port-forward."""

    connection: Connection
    target: ForwardTarget
    local_port: int
    server: asyncio.Server | None = None
    open: int = 0
    """Connections open now."""
    served: int = 0
    """Connections carried so far."""
    error: str = ""
    """What went wrong with the last connection, if anything did."""
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _api: CoreV1Api | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.local_port}"

    @property
    def line(self) -> str:
        """`127.0.0.1:8080 -> pod/web-1:80 (svc/web:8080)`."""
        target = self.target
        where = f"pod/{target.pod}:{target.port}"
        asked = "" if target.asked == where else f" ({target.asked})"
        return f"{self.address} -> {where}{asked}"


class Forwarder:
    """The running port-forwards; each keeps the connection (context) it was started in."""

    def __init__(self) -> None:
        self.forwards: list[Forward] = []

    async def start(
        self, connection: Connection, target: ForwardTarget, local_port: int
    ) -> Forward:
        """Listen on 127.0.0.1:`local_port` (0: any free port); ForwardError if it cannot."""
        forward = Forward(connection, target, local_port)

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            forward._tasks.add(task)
            try:
                await self._carry(forward, reader, writer)
            finally:
                forward._tasks.discard(task)

        try:
            server = await asyncio.start_server(serve, "127.0.0.1", local_port)
        except OSError as exc:
            raise ForwardError(
                f"cannot listen on 127.0.0.1:{local_port}: {exc.strerror or exc}"
            ) from None
        forward.server = server
        forward.local_port = server.sockets[0].getsockname()[1]
        self.forwards.append(forward)
        return forward

    async def stop(self, forward: Forward) -> None:
        """Stop listening and cut the connections it carries."""
        if forward in self.forwards:
            self.forwards.remove(forward)
        if forward.server is not None:
            forward.server.close()
        for task in list(forward._tasks):
            task.cancel()
        if forward._tasks:
            await asyncio.wait(list(forward._tasks), timeout=2.0)

    async def stop_all(self) -> None:
        for forward in list(self.forwards):
            await self.stop(forward)

    async def _carry(
        self, forward: Forward, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        if forward.open >= MAX_CONNECTIONS:
            writer.close()
            return
        forward.open += 1
        forward.served += 1
        stream: Any = None
        try:
            target = forward.target
            try:
                stream = await asyncio.wait_for(
                    _in_daemon_thread(lambda: _open(forward)), OPEN_TIMEOUT
                )
            except TimeoutError:
                forward.error = f"the API server did not open a stream in {OPEN_TIMEOUT:.0f} s"
                return
            except _Refused as exc:
                forward.error = str(exc)
                return
            pod_side = stream.socket(target.port).dup()
            pod_reader, pod_writer = await asyncio.open_connection(sock=pod_side)
            try:
                await asyncio.gather(_pipe(reader, pod_writer), _pipe(pod_reader, writer))
            finally:
                pod_writer.close()
            refused = stream.error(target.port)
            if refused:
                forward.error = str(refused).strip()
        finally:
            forward.open -= 1
            if stream is not None:
                stream.close()
            writer.close()


class _Refused(Exception):
    """The API server refused to open a stream: one line saying why."""


def _open(forward: Forward) -> Any:
    """One stream to the pod's port (the official client's WebSocket port-forward)."""
    # Here, not at the top: the official client (0.15-0.2 s) and its generated CoreV1Api
    # (every model it names, 0.4 s) are the first forward's first connection's to import,
    # not every start of the app's.
    from kubernetes.client.exceptions import ApiException
    from kubernetes.stream import portforward

    if forward._api is None:
        from kubernetes.client import CoreV1Api

        forward._api = CoreV1Api(forward.connection.api_client())
    target = forward.target
    try:
        return portforward(
            forward._api.connect_get_namespaced_pod_portforward,
            target.pod,
            target.namespace,
            ports=str(target.port),
        )
    except ApiException as exc:
        raise _Refused(_reason(exc)) from None


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until end of stream, then pass the end on (a half-close)."""
    with contextlib.suppress(ConnectionError):
        while chunk := await reader.read(_CHUNK):
            writer.write(chunk)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()


def _in_daemon_thread(call: Callable[[], _T]) -> asyncio.Future[_T]:
    """`call()` in a thread of its own that never holds the process up at exit."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def run() -> None:
        try:
            value = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
            failure = exc
            loop.call_soon_threadsafe(settle, lambda: future.set_exception(failure))
            return
        loop.call_soon_threadsafe(settle, lambda: future.set_result(value))

    threading.Thread(target=run, name="port-forward stream", daemon=True).start()
    return future


def _reason(exc: ApiException) -> str:
    """One line from a failed handshake: the client says `Handshake status 403 Forbidden -+-+-
    {headers} -+-+- b'{Status JSON}'`; the Status's message says most."""
    text = str(exc.reason or exc)
    parts = text.split(" -+-+- ")
    status = parts[0].removeprefix("Handshake status ").strip()
    if len(parts) > 2:
        body = parts[-1].strip()
        if body[:2] in ("b'", 'b"'):
            body = body[2:-1]
        with contextlib.suppress(orjson.JSONDecodeError, AttributeError):
            message = orjson.loads(body.encode().decode("unicode_escape")).get("message")
            if message:
                return f"{status}: {message}"
    return status
