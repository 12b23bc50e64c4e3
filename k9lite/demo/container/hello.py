"""The web server of the tutorial's image in each demo pod: every request gets the Hello page.

An asyncio protocol over httptools' C request parser (the one uvicorn uses) instead of aiohttp's
web server: py-spy showed aiohttp's request, response and writer objects taking most of a pod's
time per answer, where this page needs none of them. As nginx does, it answers each request of a
connection in order (pipelined ones too), closes after `Connection: close` or an HTTP/1.0
request without keep-alive, answers HEAD without the body, still answers a client that has ended
its sending side, and answers a malformed request with 400 and a close.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from typing import cast

import httptools

__all__ = ["Access", "HelloServer"]


@dataclass(frozen=True, slots=True)
class Access:
    """One answered request, as the access log records it."""

    client: str
    method: str
    target: str
    version: str
    referer: str
    agent: str
    status: int
    size: int


class HelloServer:
    """One pod's server: the page, who logs each answer, and its open connections."""

    def __init__(self, page: bytes, log: Callable[[int, Access], None]) -> None:
        self.page = page
        self.log = log
        self.connections: set[asyncio.Transport] = set()

    def protocol(self, port: int, client: str | None = None) -> Callable[[], asyncio.Protocol]:
        """A protocol factory for the server on the pod's container `port`; `client` is the
        address its access lines name (the connection's peer without it)."""
        return lambda: _HelloProtocol(self, port, client)

    def close(self) -> None:
        """Close every open connection, kept-alive ones too, as a killed container does."""
        for transport in list(self.connections):
            transport.close()
        self.connections.clear()


_BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
    b"Connection: close\r\n\r\nBad Request"
)


class _Date:
    """The Date header's value, formatted once a second."""

    second = -1
    value = b""

    @classmethod
    def now(cls) -> bytes:
        second = int(time.time())
        if second != cls.second:
            cls.second, cls.value = second, formatdate(second, usegmt=True).encode()
        return cls.value


class _HelloProtocol(asyncio.Protocol):
    def __init__(self, server: HelloServer, port: int, client: str | None) -> None:
        self.server = server
        self.port = port
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpRequestParser(self)
        self.client = client or "-"
        self.peer_is_client = client is None
        self.target = b""
        self.headers: dict[bytes, bytes] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream transport (uvloop's does not subclass asyncio.Transport).
        self.transport = cast(asyncio.Transport, transport)
        self.server.connections.add(self.transport)
        peer = transport.get_extra_info("peername")
        if self.peer_is_client and peer:
            self.client = peer[0]

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.server.connections.discard(self.transport)

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            assert self.transport is not None
            self.transport.write(_BAD_REQUEST)
            self.transport.close()

    def eof_received(self) -> bool:
        # The answers to what came before the end are already written: close after them.
        return False

    # httptools' callbacks, in the order it calls them for each request.

    def on_message_begin(self) -> None:
        self.target = b""
        self.headers = {}

    def on_url(self, url: bytes) -> None:
        self.target += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers[name.lower()] = value

    def on_message_complete(self) -> None:
        transport, parser = self.transport, self.parser
        if transport is None or transport.is_closing():
            return
        method = parser.get_method().decode("latin-1")
        version = parser.get_http_version()
        keep = parser.should_keep_alive()
        page = self.server.page
        body = b"" if method == "HEAD" else page
        transport.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nDate: %s\r\n"
            b"Server: k9lite-demo\r\n%s\r\n%s"
            % (len(page), _Date.now(), b"" if keep else b"Connection: close\r\n", body)
        )
        headers = self.headers
        self.server.log(
            self.port,
            Access(
                self.client,
                method,
                self.target.decode("utf-8", "surrogateescape"),
                f"HTTP/{version}",
                headers.get(b"referer", b"-").decode("utf-8", "surrogateescape"),
                headers.get(b"user-agent", b"-").decode("utf-8", "surrogateescape"),
                200,
                len(body),
            ),
        )
        if not keep:
            transport.close()
