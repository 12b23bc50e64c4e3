"""One HTTP/1.1 client connection: a request written whole, its answer parsed by httptools.

An asyncio protocol over httptools' C response parser (llhttp, the one the demo pods' server
and uvicorn use): per request one write of prebuilt bytes and a few parser callbacks, where
aiohttp's client built request, response, writer and timer objects for each (py-spy: most of
the probe's time a request kept alive). One request at a time per connection (no pipelining),
as curl and wrk send them. The answer's framing follows the parser (Content-Length, chunked);
without either the body runs to the end of the connection, as HTTP/1.0 servers send it.
"""

from __future__ import annotations

import asyncio
from typing import cast

import httptools

from k9lite.analysis.stats import ErrorClass

__all__ = ["MAX_HEAD", "Connection", "Failure", "Response"]

MAX_HEAD = 64 * 1024
"""An answer's status line and headers stop here: a server that never ends them is no answer."""

DISCONNECTED = "connection reset: Server disconnected"
"""A connection that ended before a whole answer came (the doctor recognises the words)."""


class Failure(Exception):
    """A request that got no whole HTTP answer: its class and one line about it."""

    def __init__(self, error: ErrorClass, detail: str) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail


class Response:
    """What the parser collected of one answer."""

    __slots__ = ("body", "content_type", "reason", "status")

    def __init__(self, status: int, reason: bytes, content_type: bytes, body: bytes) -> None:
        self.status = status
        self.reason = reason
        self.content_type = content_type
        self.body = body


class Connection(asyncio.Protocol):
    """A client connection; `request()` writes one request and returns the future answer."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[Response] | None = None
        self.closed: asyncio.Future[None] = loop.create_future()
        self.reusable = False
        """The last answer came whole and let the connection be kept for the next request."""
        self.head = 0
        """Bytes read of the answer before its headers ended."""
        self._begin()

    def _begin(self) -> None:
        """Forget the answer before (or the 100 Continue before the answer)."""
        self.reason = b""
        self.content_type = b""
        self.chunks: list[bytes] = []
        self.framed = False  # Content-Length or Transfer-Encoding: the parser knows its end
        self.expected = -1
        self.headers_done = False
        self.informational = False

    def request(self, data: bytes) -> asyncio.Future[Response]:
        """Send `data` (a whole request); the future is its answer, or fails with Failure."""
        assert self.transport is not None
        self.reusable = False
        self.head = 0
        self._begin()
        self.waiter = waiter = self.loop.create_future()
        self.transport.write(data)
        return waiter

    def expire(self) -> None:
        """The request's time is up: it fails, and the connection with it."""
        self.fail(Failure("timeout", "timed out"))

    def fail(self, failure: Failure) -> None:
        """End the request in flight with `failure` and drop the connection."""
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(failure)
        self.abort()

    def abort(self) -> None:
        self.reusable = False
        if self.transport is not None:
            self.transport.abort()

    # -- asyncio's callbacks ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream transport (uvloop's does not subclass asyncio.Transport, so no isinstance).
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.waiter is None:
            # Bytes nobody asked for (an idle connection, or past the answer): not reusable.
            self.abort()
            return
        if not self.headers_done:
            self.head += len(data)
            if self.head > MAX_HEAD:
                self.fail(Failure("other", f"invalid HTTP answer: headers over {MAX_HEAD:,} bytes"))
                return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self.fail(Failure("other", "invalid HTTP answer: a protocol upgrade to a GET"))
        except httptools.HttpParserError as exc:
            detail = " ".join(str(exc).split()) or type(exc).__name__
            self.fail(Failure("other", f"invalid HTTP answer: {detail}"))

    def eof_received(self) -> bool:
        self._ended(None)
        return False  # close: no request can follow

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        self._ended(exc)
        if not self.closed.done():
            self.closed.set_result(None)

    def _ended(self, exc: Exception | None) -> None:
        """The server's side ended: an answer that runs to the end is whole, others are cut."""
        self.reusable = False
        if self.waiter is None or self.waiter.done():
            return
        if exc is not None:
            self.fail(Failure("reset", str(exc) or type(exc).__name__))
        elif self.headers_done and not self.framed and not self.informational:
            self._answer()
        elif self.headers_done and self.expected >= 0:
            got = sum(map(len, self.chunks))
            self.fail(Failure("reset", f"{DISCONNECTED} ({got:,} of {self.expected:,} bytes)"))
        else:
            self.fail(Failure("reset", DISCONNECTED))

    # -- httptools' callbacks, in the order it calls them for each answer -------------------

    def on_status(self, status: bytes) -> None:
        self.reason += status

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"content-type":
            self.content_type = value
        elif name == b"content-length":
            self.framed = True
            self.expected = int(value) if value.strip().isdigit() else -1
        elif name == b"transfer-encoding":
            self.framed = True

    def on_headers_complete(self) -> None:
        self.headers_done = True
        status = self.parser.get_status_code()
        # 100 Continue and the like come before the answer, which follows on the connection.
        self.informational = 100 <= status < 200 and status != 101

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        if self.informational:
            self._begin()
            return
        self.reusable = self.parser.should_keep_alive()
        self._answer()

    def _answer(self) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is None or waiter.done():
            return
        body = self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)
        status = self.parser.get_status_code()
        waiter.set_result(Response(status, self.reason, self.content_type, body))
