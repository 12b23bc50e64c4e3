"""Why reaching a cluster failed, as types: each one prints as one line fit for the CLI."""

from __future__ import annotations

import http.client
import re
import socket
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import orjson

if TYPE_CHECKING:
    from k9lite.kube.api import ApiError

__all__ = [
    "ActionFailed",
    "Cause",
    "ClusterUnreachable",
    "ConnectTimeout",
    "Forbidden",
    "InvalidKubeconfig",
    "KubeError",
    "NoKubeconfig",
    "NotFound",
    "TLSFailure",
    "Unauthorized",
    "UnknownContext",
    "api_message",
    "status_message",
    "tls_reason",
    "transport_error",
]


class KubeError(Exception):
    """Anything k9lite cannot do with a cluster; `str()` is one line for the user."""


class NoKubeconfig(KubeError):
    """No kubeconfig anywhere kubectl would look, and no in-cluster service account."""

    def __init__(self, searched: Sequence[str]) -> None:
        self.searched = tuple(searched)
        where = ", ".join(self.searched) or "nowhere"
        super().__init__(
            f"no kubeconfig found (looked at {where}) and not running inside a cluster"
        )


class InvalidKubeconfig(KubeError):
    """A kubeconfig that exists but cannot be used: bad YAML, a missing cluster or user..."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"invalid kubeconfig {path}: {reason}")


class UnknownContext(KubeError):
    """`--context NAME` names no context of the kubeconfig."""

    def __init__(self, name: str, available: Sequence[str]) -> None:
        self.name = name
        self.available = tuple(available)
        choices = ", ".join(self.available) if self.available else "none"
        super().__init__(f'context "{name}" not found in the kubeconfig (available: {choices})')


Cause = Literal["refused", "timeout", "lost", "unreachable"]


class ClusterUnreachable(KubeError):
    """No answer from the API server: connection refused, unknown host, timeout, reset.

    `cause` sorts the reason: "refused", "timeout", "lost" (cut while open) or "unreachable"
    (anything else).
    """

    def __init__(self, server: str, reason: str, cause: Cause = "unreachable") -> None:
        self.server = server
        self.reason = reason
        self.cause = cause
        super().__init__(f"cannot reach {server}: {reason}")


class ConnectTimeout(TimeoutError):
    """No connection within the connect timeout (a timeout while reading is a TimeoutError)."""


class TLSFailure(KubeError):
    """The TLS handshake failed: an untrusted or mismatched certificate, mostly."""

    def __init__(self, server: str, reason: str) -> None:
        self.server = server
        self.reason = reason
        super().__init__(f"TLS failure talking to {server}: {reason}")


class Unauthorized(KubeError):
    """401: the server does not accept the kubeconfig's credentials."""

    def __init__(self, server: str) -> None:
        self.server = server
        super().__init__(f"{server} rejected the credentials (401 Unauthorized)")


class Forbidden(KubeError):
    """403: the user may not do this to `kind` (in `namespace`, or cluster-wide when None)."""

    def __init__(self, kind: str, namespace: str | None, message: str) -> None:
        self.kind = kind
        self.namespace = namespace
        self.message = message
        super().__init__(message or f"forbidden: {kind}")


class NotFound(KubeError):
    """404: the object is gone (or never was)."""

    def __init__(self, kind: str, namespace: str | None, name: str) -> None:
        self.kind = kind
        self.namespace = namespace
        self.name = name
        where = f' in namespace "{namespace}"' if namespace else ""
        super().__init__(f'{kind} "{name}" not found{where}')


class ActionFailed(KubeError):
    """The server refused a change for another reason (invalid, conflict, server error)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def api_message(exc: ApiError) -> str:
    """The `message` of the Status body the server answered with, else the HTTP reason."""
    return status_message(exc.body, exc.status, exc.reason)


def status_message(body: str | bytes | None, status: int | None, reason: str | None) -> str:
    """The `message` of a Status body, else `403 Forbidden` (the status and its reason)."""
    if body:
        try:
            status = orjson.loads(body)
        except orjson.JSONDecodeError:
            status = None
        if isinstance(status, dict) and isinstance(status.get("message"), str):
            return str(status["message"])
    return f"{status} {reason}".strip()


def tls_reason(text: str) -> str:
    """The words of an SSL error, without its code and source line.

    "...[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: X (_ssl.c:1000)')" -> the
    "certificate verify failed: X" part.
    """
    line = text.strip().splitlines()[-1] if text.strip() else ""
    match = re.search(r"\[SSL: [A-Z_]+\]\s*(.*?)\s*(?:\(_ssl\.c:\d+\)|$)", line)
    reason = (match.group(1) if match else line).rstrip("')\" ")
    return reason or "handshake failed"


def _urllib3(exc: BaseException, *names: str) -> bool:
    """Whether `exc` is one of urllib3's errors `names`: the official client's transport, and
    none of its errors was raised unless it is loaded (the one-shots' getter uses http.client)."""
    module = sys.modules.get("urllib3.exceptions")
    return module is not None and isinstance(exc, tuple(getattr(module, n) for n in names))


def _connect_reason(exc: BaseException) -> tuple[str, Cause]:
    """Why a connection failed, in words, and its cause: refused, timeout, lost or unreachable."""
    text = str(exc)
    if isinstance(exc, socket.gaierror) or _urllib3(exc, "NameResolutionError"):
        return "unknown host", "unreachable"
    if "Connection refused" in text or isinstance(exc, ConnectionRefusedError):
        return "connection refused", "refused"
    if "Network is unreachable" in text:
        return "network unreachable", "unreachable"
    # NewConnectionError subclasses ConnectTimeoutError: tell them apart by their text.
    if isinstance(exc, ConnectTimeout) or (
        _urllib3(exc, "ConnectTimeoutError") and "timed out" in text
    ):
        return "connection timed out", "timeout"
    if isinstance(exc, TimeoutError) or _urllib3(exc, "ReadTimeoutError"):
        return "timed out waiting for an answer", "timeout"
    if isinstance(exc, http.client.HTTPException | ConnectionResetError) or _urllib3(
        exc, "ProtocolError"
    ):
        return "connection lost", "lost"
    # "...: [Errno 113] No route to host" -> "No route to host"
    match = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
    words = match.group(1).strip().lower() if match else text.splitlines()[0] if text else "error"
    return words, "unreachable"


def transport_error(server: str, exc: BaseException) -> KubeError | None:
    """The typed error for a failure to talk to `server` at all, or None if `exc` is not one.

    Covers http.client's and the socket's errors (the one-shots' getter) and urllib3's
    (wrapped in MaxRetryError after retries; `api.OfficialClient` unwraps the official client's
    `ApiException(status=0)` that stands for an SSL error).
    """
    reason = getattr(exc, "reason", None)
    if _urllib3(exc, "MaxRetryError") and isinstance(reason, BaseException):
        exc = reason
    if _urllib3(exc, "SSLError"):
        return TLSFailure(server, tls_reason(str(exc)))
    if isinstance(exc, OSError | http.client.HTTPException) or _urllib3(exc, "HTTPError"):
        return ClusterUnreachable(server, *_connect_reason(exc))
    return None
