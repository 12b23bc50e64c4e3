"""The probe's HTTP: sessions to a Service's ways in, one GET, a failure in one line.

A session keeps connections to each host (with keep-alive) and builds each URL's request bytes
once; a request is then one write and one parsed answer on a `http1.Connection`. Its own client
rather than aiohttp's: on this 2-core machine aiohttp spent ~100 us of CPU a request kept alive
(~6,000 requests a second where wrk drives ~22,000 through the same NodePort), most of it in
its request and response objects (bench/probe_rate.py). It runs on any asyncio loop: uvloop for
`k9lite probe`, Textual's for the traffic screen.
"""

from __future__ import annotations

import asyncio
import ssl
import sys
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import quote, urlsplit

from k9lite.kube.proxy import USER_AGENT, ProxyAccess
from k9lite.traffic.http1 import Connection, Response
from k9lite.traffic.http1 import Failure as TransportFailure

__all__ = ["Answer", "Session", "TransportFailure", "open_session"]

_CLOSE_WAIT = 1.0
"""Seconds a closing session waits for its connections' ends (a TLS goodbye) before cutting."""
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
"""Characters a request target keeps as they are (RFC 3986 pchar); others are %-encoded."""


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer, its body decoded."""

    status: int
    reason: str
    body: str


@dataclass(frozen=True, slots=True)
class _Route:
    """Where a URL's requests go and the bytes of its request."""

    host: str
    port: int
    tls: bool
    request: bytes

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


class Session:
    """Connections to the hosts of the URLs fetched, kept between requests with keep-alive."""

    def __init__(
        self,
        *,
        keepalive: bool,
        timeout: float,
        headers: dict[str, str],
        context: ssl.SSLContext | None,
        verify: bool,
    ) -> None:
        self.keepalive = keepalive
        self.timeout = timeout
        self.headers = headers
        self.verify = verify
        self._context = context
        self._routes: dict[str, _Route] = {}
        self._idle: dict[tuple[str, int, bool], list[Connection]] = {}
        self._open: set[Connection] = set()

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def fetch(self, url: str) -> Answer:
        """GET `url` without following redirects; TransportFailure if no whole answer came."""
        route = self._routes.get(url) or self._route(url)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        key = (route.host, route.port, route.tls)
        idle = self._idle.get(key)
        connection = None
        while idle and connection is None:
            connection = idle.pop()
            if not connection.reusable:  # the server closed it while it waited
                connection = None
        if connection is None:
            connection = await self._connect(route, deadline)
        timer = loop.call_at(deadline, connection.expire)
        try:
            response = await connection.request(route.request)
        except BaseException:  # cancelled (the probe stopped) or failed: never reused
            connection.abort()
            raise
        finally:
            timer.cancel()
        if self.keepalive and connection.reusable:
            self._idle.setdefault(key, []).append(connection)
        elif connection.transport is not None:
            connection.transport.close()
        return _decoded(response)

    async def close(self) -> None:
        """Close every connection and wait, bounded, until each has ended."""
        self._idle.clear()
        connections = list(self._open)
        for connection in connections:
            if connection.transport is not None:
                connection.transport.close()
        if not connections:
            return
        _, late = await asyncio.wait([c.closed for c in connections], timeout=_CLOSE_WAIT)
        for connection in connections:
            if not connection.closed.done():
                connection.abort()
        if late:
            await asyncio.wait(late, timeout=_CLOSE_WAIT)

    async def _connect(self, route: _Route, deadline: float) -> Connection:
        loop = asyncio.get_running_loop()
        context = self._tls() if route.tls else None
        connect = loop.create_connection(
            lambda: Connection(loop), route.host, route.port, ssl=context
        )
        try:
            if sys.version_info >= (3, 11):
                # A timer on this task; wait_for's task of its own per connection cost a third
                # of the rate of new connections (and could swallow a cancel before 3.12).
                async with asyncio.timeout_at(deadline):
                    _, connection = await connect
            else:
                _, connection = await asyncio.wait_for(connect, max(deadline - loop.time(), 0))
        except asyncio.TimeoutError:
            raise TransportFailure("timeout", "timed out") from None
        except ConnectionRefusedError:
            raise TransportFailure("refused", f"connection refused by {route.where}") from None
        except OSError as exc:  # unreachable, no such host, a certificate refused...
            detail = f"cannot connect to {route.where}: {exc.strerror or exc}"
            raise TransportFailure("other", detail) from None
        self._open.add(connection)
        connection.closed.add_done_callback(lambda _: self._open.discard(connection))
        return connection

    def _tls(self) -> ssl.SSLContext:
        if self._context is None:
            self._context = ssl.create_default_context()
            if not self.verify:
                self._context.check_hostname = False
                self._context.verify_mode = ssl.CERT_NONE
        return self._context

    def _route(self, url: str) -> _Route:
        """The URL's host, port and request bytes; TransportFailure for one that cannot be sent."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise TransportFailure("other", f"invalid URL {url!r}: {exc}") from None
        scheme, host = parts.scheme.lower(), parts.hostname
        if scheme not in ("http", "https") or not host:
            raise TransportFailure("other", f"invalid URL {url!r}: not http(s)://HOST/...")
        if not host.isascii():
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                raise TransportFailure("other", f"invalid URL {url!r}: no host name") from None
        default = 443 if scheme == "https" else 80
        port = port or default
        named = f"[{host}]" if ":" in host else host
        target = quote(parts.path or "/", safe=_PATH_SAFE)
        if parts.query:
            target += "?" + quote(parts.query, safe=_PATH_SAFE + "?")
        fields = {
            "host": ("Host", named if port == default else f"{named}:{port}"),
            "user-agent": ("User-Agent", USER_AGENT),
            "accept": ("Accept", "*/*"),
        }
        fields.update((name.lower(), (name, value)) for name, value in self.headers.items())
        if not self.keepalive:
            fields["connection"] = ("Connection", "close")
        head = [f"GET {target} HTTP/1.1"]
        for name, value in fields.values():
            if any(c in name + value for c in "\r\n\0"):
                raise TransportFailure("other", "a header holds a line break or NUL: not sent")
            head.append(f"{name}: {value}")
        try:
            request = ("\r\n".join(head) + "\r\n\r\n").encode("ascii")
        except UnicodeEncodeError:
            raise TransportFailure("other", "a header holds a character beyond ASCII") from None
        route = _Route(host, port, scheme == "https", request)
        self._routes[url] = route
        return route


def open_session(
    *,
    keepalive: bool,
    timeout: float,
    verify: bool,
    host: str | None,
    access: ProxyAccess | None,
) -> Session:
    """A session for direct targets, or for the API server with `access`'s credentials."""
    headers = dict(access.headers) if access is not None else {}
    if host:
        headers["Host"] = host
    # Through the service proxy the API server picks a pod for each request whatever the
    # connection, so connections to it are always kept.
    return Session(
        keepalive=keepalive or access is not None,
        timeout=timeout,
        headers=headers,
        context=access.ssl_context if access is not None else None,
        verify=verify,
    )


def _decoded(response: Response) -> Answer:
    """The answer's status, reason and body decoded by its charset (UTF-8 without one)."""
    reason = response.reason.decode("latin-1").strip()
    charset = _charset(response.content_type)
    try:
        body = response.body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        body = response.body.decode("utf-8", errors="replace")
    return Answer(response.status, reason, body)


_CHARSETS: dict[bytes, str] = {}


def _charset(content_type: bytes) -> str:
    """The charset parameter of a Content-Type value; utf-8 without one."""
    found = _CHARSETS.get(content_type)
    if found is None:
        found = "utf-8"
        for parameter in content_type.decode("latin-1").split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip().strip('"'):
                found = value.strip().strip('"')
        if len(_CHARSETS) < 64:
            _CHARSETS[content_type] = found
    return found
