"""How the API server's proxy subresources reach a backend: one HTTP request, dialled for real.

Shared by the service proxy and the pod proxy, as kube-apiserver shares k8s.io/apimachinery
`pkg/util/proxy` (upgradeaware.go, transport.go) between them: the id of the path is split by
utilnet.SplitSchemeNamePort, a bare `.../proxy` is redirected to `.../proxy/`, the backend's
answer (any status, body and Content-Type) is passed through, and a failure to reach the backend
is a 503 `error trying to reach service: ERR` where ERR is what Go's dialer says.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass

from aiohttp import (
    ClientConnectorError,
    ClientError,
    ClientSession,
    ClientSSLError,
    ClientTimeout,
    ServerDisconnectedError,
    web,
)
from multidict import CIMultiDict

from k9lite.demo.dataplane import DataPlane
from k9lite.demo.errors import APIError

__all__ = ["ProxyTarget", "ProxyTransport", "split_scheme_name_port"]

_PROXY_TIMEOUT = ClientTimeout(total=10)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Hop-by-hop headers (RFC 9110 section 7.6.1) are never forwarded, as httputil.ReverseProxy.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# The authentication filter removes Authorization once it has authenticated the request, so
# the backend never sees the user's credentials; Host and the length are the new request's own.
_NOT_FORWARDED = _HOP_BY_HOP | {"authorization", "host", "content-length"}
# corsRemovingTransport drops the backend's CORS headers; the body is handed on decoded, so its
# encoding and length are this response's own.
_NOT_RETURNED = _HOP_BY_HOP | {
    "access-control-allow-credentials",
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-allow-origin",
    "content-encoding",
    "content-length",
}


@dataclass(frozen=True, slots=True)
class ProxyTarget:
    """Where a proxy request goes: `scheme://host[:port]`, as ResourceLocation builds it."""

    scheme: str
    host: str
    port: int | None
    """None: no port in the URL, so the scheme's own (80 for http)."""


def split_scheme_name_port(raw: str) -> tuple[str, str, str] | None:
    """`name`, `name:port` or `scheme:name:port` (utilnet.SplitSchemeNamePort); None if invalid.

    The port is not required to be a number: a Service's port may be named.
    """
    match raw.split(":"):
        case [name]:
            scheme, port = "", ""
        case [name, port]:
            scheme = ""
        case [scheme, name, port]:
            pass
        case _:
            return None
    if not name or scheme not in ("", "http", "https"):
        return None
    return scheme, name, port


def _unreachable(error: str) -> APIError:
    """The Status of a request the backend never answered (proxy.Transport's RoundTrip)."""
    return APIError(503, "ServiceUnavailable", f"error trying to reach service: {error}")


def _go_errno(exc: OSError) -> str:
    """An errno as Go's syscall.Errno prints it: the C library's text, in lower case."""
    text = os.strerror(exc.errno) if exc.errno else str(exc)
    return text[:1].lower() + text[1:]


class ProxyTransport:
    """Sends proxied requests to backends through the demo's data plane, over one session."""

    def __init__(self, dataplane: DataPlane | None) -> None:
        self.dataplane = dataplane
        self._session: ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def forward(
        self, request: web.BaseRequest, rest: str, target: ProxyTarget
    ) -> web.Response:
        """Forward one request to `target`, its path `rest`, and pass the answer on."""
        if not rest and not request.path.endswith("/") and request.method in ("GET", "HEAD"):
            # proxyRedirectsforRootPath: an empty proxied path is redirected to one ending in /.
            query = f"?{request.query_string}" if request.query_string else ""
            return web.Response(status=301, headers={"Location": f"{request.path}/{query}"})
        scheme = target.scheme or "http"
        port = target.port if target.port is not None else _DEFAULT_PORTS[scheme]
        if port > 65535:
            raise _unreachable(f"dial tcp: address {port}: invalid port")
        dialled = f"dial tcp {target.host}:{port}"
        if self.dataplane is None:
            raise _unreachable(f"{dialled}: the demo cluster's data plane is off")
        backend = self.dataplane.resolve(target.host, port)
        if backend is None:
            # The demo dials loopback addresses only; any other stands for an address out of
            # reach, which a real server's dialer gives up on after its timeout.
            raise _unreachable(f"{dialled}: i/o timeout")
        # The original path's trailing slash is kept (UpgradeAwareHandler.ServeHTTP).
        slash = "/" if rest and request.path.endswith("/") else ""
        url = f"{scheme}://{backend[0]}:{backend[1]}/{rest}{slash}"
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _NOT_FORWARDED}
        if self._session is None:
            self._session = ClientSession(timeout=_PROXY_TIMEOUT, skip_auto_headers=["User-Agent"])
        try:
            async with self._session.request(
                request.method,
                url,
                params=request.query,
                data=await request.read(),
                headers=headers,
                allow_redirects=False,  # a backend's redirect is the client's to follow
                ssl=False,  # kube-apiserver's proxy transport skips verification: pods have IPs
            ) as upstream:
                body = await upstream.read()
        except ClientSSLError:
            # https to a demo pod, which serves plain HTTP: Go's TLS client reads its answer.
            raise _unreachable("tls: first record does not look like a TLS handshake") from None
        except ClientConnectorError as exc:
            raise _unreachable(f"{dialled}: connect: {_go_errno(exc.os_error)}") from None
        except asyncio.TimeoutError:
            raise _unreachable(f"{dialled}: i/o timeout") from None
        except ServerDisconnectedError:
            raise _unreachable("EOF") from None
        except ClientError as exc:
            raise _unreachable(str(exc)) from None
        returned = CIMultiDict(
            (k, v) for k, v in upstream.headers.items() if k.lower() not in _NOT_RETURNED
        )
        return web.Response(
            body=body, status=upstream.status, reason=upstream.reason, headers=returned
        )
