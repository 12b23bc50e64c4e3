"""Two small proxies between the watcher and a demo cluster, each on its own event loop thread.

`TcpFaultProxy` passes TLS through untouched (the watcher still sees the cluster's certificate)
and can delay, cut, hang or refuse connections. `HttpFaultProxy` terminates TLS with its own
trustme CA, forwards each request to the cluster, and can answer chosen requests itself (500,
410 Gone, 504 "Too large resource version", or a watch stream holding one ERROR event).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
import trustme
from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector, web

from k9lite.demo.errors import APIError
from k9lite.demo.listen_socket import ListenSocket

T = TypeVar("T")


class _LoopThread:
    """An asyncio loop on a daemon thread; `run` executes a coroutine on it and waits."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self.loop.close()


class TcpFaultProxy:
    """127.0.0.1:`port` -> 127.0.0.1:`backend_port`, byte for byte unless a fault is on."""

    def __init__(self, backend_port: int) -> None:
        self.backend_port = backend_port
        self.port = 0
        self.delay = 0.0
        """Seconds each chunk waits before it is passed on, both ways."""
        self._thread = _LoopThread("fault-proxy-tcp")
        self._flowing = asyncio.Event()
        self._listening: ListenSocket | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._thread.run(self._listen())
        self._thread.loop.call_soon_threadsafe(self._flowing.set)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    async def _listen(self) -> None:
        self._listening = ListenSocket(self.port, self._connect)
        self.port = self._listening.port

    async def _connect(self, conn: socket.socket) -> None:
        reader, writer = await asyncio.open_connection(sock=conn)
        self._writers.add(writer)
        task = asyncio.create_task(self._accept(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.backend_port)
        except OSError:
            writer.transport.abort()
            self._writers.discard(writer)
            return
        self._writers.add(up_writer)
        await asyncio.gather(
            self._pump(reader, up_writer), self._pump(up_reader, writer), return_exceptions=True
        )
        for end in (writer, up_writer):
            end.transport.abort()
            self._writers.discard(end)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while chunk := await reader.read(65536):
            await self._flowing.wait()
            if self.delay:
                await asyncio.sleep(self.delay)
            writer.write(chunk)
            await writer.drain()
        writer.transport.abort()

    def _call(self, fn: Callable[[], Any]) -> None:
        async def call() -> None:
            fn()

        self._thread.run(call())

    def hang(self, hanging: bool = True) -> None:
        """Stop passing bytes on (connections stay open and silent), or pass them again."""
        self._call(self._flowing.clear if hanging else self._flowing.set)

    def cut(self) -> None:
        """Abort every connection now, as a lost network or a killed server does."""

        def abort() -> None:
            for writer in list(self._writers):
                writer.transport.abort()

        self._call(abort)

    def down(self) -> None:
        """Stop listening and cut every connection: new ones are refused."""

        async def stop() -> None:
            assert self._listening is not None
            await self._listening.close()
            for writer in list(self._writers):
                writer.transport.abort()

        self._thread.run(stop())

    def up(self) -> None:
        """Listen again on the same port."""
        self._thread.run(self._listen())

    def close(self) -> None:
        self.down()
        self._thread.close()


@dataclass(frozen=True, slots=True, eq=False)
class CannedAnswer:
    """An answer the HTTP proxy gives instead of the cluster's, to the next `times` requests."""

    status: int
    body: dict[str, Any]
    watches_only: bool = True
    as_watch_event: bool = False
    """Answer 200 with a watch stream holding one ERROR event (how a watch reports mid-way)."""
    times: int = 1


def status_body(
    code: int, reason: str, message: str, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A metav1.Status as kube-apiserver writes it (the demo's own builder)."""
    return APIError(code, reason, message, details=details).status()


class HttpFaultProxy:
    """https://127.0.0.1:`port` with its own CA, forwarding to the cluster at `upstream`."""

    def __init__(self, upstream: str, upstream_ca_pem: bytes) -> None:
        self.upstream = upstream
        self.ca = trustme.CA(organization_name="k9lite fault proxy")
        self.port = 0
        self._given: dict[CannedAnswer, int] = {}  # each canned answer, how often it was given
        self._upstream_ssl = ssl.create_default_context(cadata=upstream_ca_pem.decode())
        self._thread = _LoopThread("fault-proxy-http")
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._thread.run(self._start())

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    async def _start(self) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1").configure_cert(context)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._session = ClientSession(
            connector=TCPConnector(ssl=self._upstream_ssl),
            timeout=ClientTimeout(total=None, sock_connect=5),
        )

    def answer(self, canned: CannedAnswer) -> CannedAnswer:
        """Give `canned` to the next matching requests, from now on."""

        async def add() -> None:
            self._given[canned] = 0

        self._thread.run(add())
        return canned

    def given(self, canned: CannedAnswer) -> int:
        """How many requests got `canned` so far."""

        async def count() -> int:
            return self._given[canned]

        return self._thread.run(count())

    def _take(self, request: web.Request) -> CannedAnswer | None:
        watch = request.query.get("watch") in ("true", "1")
        for canned, given in self._given.items():
            if given < canned.times and (watch or not canned.watches_only):
                self._given[canned] = given + 1
                return canned
        return None

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        canned = self._take(request)
        if canned is not None and canned.as_watch_event:
            event = orjson.dumps({"type": "ERROR", "object": canned.body}) + b"\n"
            return web.Response(body=event, content_type="application/json")
        if canned is not None:
            body = orjson.dumps(canned.body)
            return web.Response(body=body, status=canned.status, content_type="application/json")
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() in _FORWARDED}
        async with self._session.request(
            request.method,
            self.upstream + request.path_qs,
            headers=headers,
            data=await request.read() or None,
        ) as upstream:
            response = web.StreamResponse(
                status=upstream.status,
                headers={"Content-Type": upstream.headers.get("Content-Type", "application/json")},
            )
            await response.prepare(request)
            try:
                async for chunk in upstream.content.iter_any():
                    await response.write(chunk)
            except ClientError:
                # The cluster cut its answer short: cut ours too, as a TCP proxy would.
                if request.transport is not None:
                    request.transport.abort()
                return response
            await response.write_eof()
            return response

    def close(self) -> None:
        async def stop() -> None:
            if self._session is not None:
                await self._session.close()
            if self._runner is not None:
                await self._runner.cleanup()

        self._thread.run(stop())
        self._thread.close()


_FORWARDED = {"authorization", "accept", "content-type", "user-agent"}
