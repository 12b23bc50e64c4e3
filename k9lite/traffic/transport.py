"""The probe's HTTP: aiohttp sessions to a Service's ways in, one GET, a failure in one line.

Kept apart from the runner so that aiohttp (0.2 s and 8 MB of imports) is loaded when a probe
first runs, not when the app or a one-shot starts: the runner imports this module then.

aiohttp rather than httpx: on this 2-core machine httpx spent about 1 ms of CPU a request in
its pool bookkeeping and pure-Python parsing (~1,000 requests a second against a NodePort wrk
drives at ~15,000), aiohttp's C parser about a tenth of that (see bench/probe_rate.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

from k9lite.analysis.stats import ErrorClass
from k9lite.kube.proxy import ProxyAccess

__all__ = ["Answer", "Session", "TransportFailure", "fetch", "open_session"]

Session = aiohttp.ClientSession


class TransportFailure(Exception):
    """A request that got no HTTP answer: its class and one line about it."""

    def __init__(self, error: ErrorClass, detail: str) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer, its body decoded."""

    status: int
    reason: str
    body: str


def open_session(
    *,
    limit: int,
    keepalive: bool,
    timeout: float,
    verify: bool,
    host: str | None,
    access: ProxyAccess | None,
) -> Session:
    """A session for direct targets, or for the API server with `access`'s credentials."""
    # Through the service proxy the API server picks a pod for each request whatever the
    # connection, so connections to it are always kept: a TLS connection closed per request
    # was still shutting down when a short run returned (unclosed socket warnings).
    connector = aiohttp.TCPConnector(
        limit=limit,
        force_close=not keepalive and access is None,
        ssl=access.ssl_context if access is not None else verify,
    )
    headers = dict(access.headers) if access is not None else {}
    if host:
        headers["Host"] = host
    # Direct targets are pod, node and balancer addresses: no environment proxy applies.
    return aiohttp.ClientSession(
        connector=connector,
        headers=headers,
        timeout=aiohttp.ClientTimeout(total=timeout),
        trust_env=False,
    )


async def fetch(session: Session, url: str) -> Answer:
    """GET `url` without following redirects; TransportFailure if no answer came."""
    try:
        async with session.get(url, allow_redirects=False) as response:
            content = await response.read()
            status, reason = response.status, response.reason or ""
            charset = response.charset or "utf-8"
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise TransportFailure(*_failure(exc)) from exc
    return Answer(status, reason, content.decode(charset, errors="replace"))


def _failure(exc: BaseException) -> tuple[ErrorClass, str]:
    """The class of a transport failure and one line about it."""
    if isinstance(exc, TimeoutError):
        return "timeout", "timed out"
    if isinstance(exc, aiohttp.ClientConnectorError):
        where = f"{exc.host}:{exc.port}"
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "refused", f"connection refused by {where}"
        return "other", f"cannot connect to {where}: {exc.os_error.strerror or exc.os_error}"
    text = str(exc) or type(exc).__name__
    if isinstance(exc, ConnectionResetError | aiohttp.ServerDisconnectedError):
        return "reset", f"connection reset: {text}"
    if isinstance(exc, aiohttp.ClientOSError | aiohttp.ClientPayloadError):
        return "reset", text
    return "other", text
