"""GET requests as the kubeconfig's user with the standard library's http.client, for the
one-shot commands.

The official client costs its import (0.3 s), urllib3 a tenth of that (its HTTP/2 probe, its
logging, its URL parser): more than a one-shot spends on its requests. A GET of raw JSON over
a few kept-alive connections needs neither. The answers are typed as the client's are
(`Forbidden`, `NotFound`, `Unauthorized`, a transport error), so a command fails with the same
one line.
"""

from __future__ import annotations

import http.client
import ssl
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import orjson

from k9lite.kube.errors import (
    ActionFailed,
    ConnectTimeout,
    Forbidden,
    KubeError,
    NotFound,
    TLSFailure,
    Unauthorized,
    status_message,
    tls_reason,
    transport_error,
)
from k9lite.kube.proxy import USER_AGENT, ProxyAccess

__all__ = ["Getter"]

_CONNECT_TIMEOUT = 10.0
_READ_TIMEOUT = 30.0
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
"""What a kept-alive connection the server has closed raises on its next request."""


class Getter:
    """GETs of raw JSON over up to `connections` kept-alive connections, which threads may
    share (each request takes an idle connection, or opens one)."""

    def __init__(self, access: ProxyAccess, *, connections: int = 4) -> None:
        self.server = access.server
        url = urlsplit(access.server)
        self._host = url.hostname or ""
        self._port = url.port or 443
        self._prefix = url.path.rstrip("/")
        self._context = access.ssl_context
        self._headers = {
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            **access.headers,
        }
        self._idle: list[http.client.HTTPSConnection] = []
        self._keep = connections
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def get(
        self,
        path: str,
        kind: str,
        namespace: str | None,
        name: str,
        query: Mapping[str, str | None] | None = None,
    ) -> dict[str, Any]:
        """The JSON object at `path` (with `query`; None values left out), or a typed error."""
        fields = {key: value for key, value in (query or {}).items() if value is not None}
        target = self._prefix + path + ("?" + urlencode(fields) if fields else "")
        try:
            status, reason, data = self._request(target)
        except (http.client.HTTPException, OSError) as exc:
            raise self._transport(exc) from None
        if not 200 <= status <= 299:
            raise self._refused(status, reason, data, kind, namespace, name)
        try:
            decoded = orjson.loads(data) if data else {}
        except orjson.JSONDecodeError:
            raise ActionFailed(
                f"the server answered something other than JSON for {path}"
            ) from None
        return decoded if isinstance(decoded, dict) else {}

    def _request(self, target: str) -> tuple[int, str, bytes]:
        """(status, reason, body) of one GET; a kept-alive connection the server closed
        meanwhile is replaced once (a GET may be sent again)."""
        connection, reused = self._take()
        try:
            try:
                answer = self._send(connection, target)
            except _STALE:
                if not reused:
                    raise
                connection.close()
                connection = self._open()
                answer = self._send(connection, target)
        except BaseException:
            connection.close()
            raise
        self._give_back(connection)
        return answer

    def _send(self, connection: http.client.HTTPSConnection, target: str) -> tuple[int, str, bytes]:
        connection.request("GET", target, headers=self._headers)
        response = connection.getresponse()
        return response.status, response.reason, response.read()

    def _take(self) -> tuple[http.client.HTTPSConnection, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return self._open(), False

    def _open(self) -> http.client.HTTPSConnection:
        connection = http.client.HTTPSConnection(
            self._host, self._port, timeout=_CONNECT_TIMEOUT, context=self._context
        )
        try:
            connection.connect()
        except TimeoutError:
            connection.close()
            raise ConnectTimeout from None
        except ssl.SSLError as exc:  # the handshake: an untrusted certificate, mostly
            connection.close()
            raise TLSFailure(self.server, tls_reason(str(exc))) from None
        except BaseException:
            connection.close()
            raise
        if connection.sock is not None:
            connection.sock.settimeout(_READ_TIMEOUT)
        return connection

    def _give_back(self, connection: http.client.HTTPSConnection) -> None:
        with self._lock:
            if len(self._idle) < self._keep:
                self._idle.append(connection)
                return
        connection.close()

    def _transport(self, exc: BaseException) -> KubeError:
        return transport_error(self.server, exc) or ActionFailed(f"{type(exc).__name__}: {exc}")

    def _refused(
        self, status: int, reason: str, data: bytes, kind: str, namespace: str | None, name: str
    ) -> KubeError:
        message = status_message(data, status, reason)
        if status == 401:
            return Unauthorized(self.server)
        if status == 403:
            return Forbidden(kind, namespace, message)
        if status == 404:
            return NotFound(kind, namespace, name)
        return ActionFailed(message)
