"""GET requests as the kubeconfig's user with urllib3 alone, for the one-shot commands.

The official client costs its import (0.3 s) and builds nothing a GET of raw JSON needs. The
answers are typed as the client's are (`Forbidden`, `NotFound`, `Unauthorized`, a transport
error), so a command fails with the same one line.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import Any

import orjson
import urllib3

from k9lite.kube.errors import (
    ActionFailed,
    Forbidden,
    KubeError,
    NotFound,
    Unauthorized,
    status_message,
    transport_error,
)
from k9lite.kube.proxy import ProxyAccess

__all__ = ["Getter"]

_TIMEOUT = urllib3.Timeout(connect=10.0, read=30.0)


class Getter:
    """GETs of raw JSON over one connection pool, which threads may share."""

    def __init__(self, access: ProxyAccess, *, connections: int = 4) -> None:
        self.server = access.server
        verify = access.ssl_context.verify_mode != ssl.CERT_NONE
        self._pool = urllib3.PoolManager(
            num_pools=1,
            maxsize=connections,
            ssl_context=access.ssl_context,
            cert_reqs=ssl.CERT_REQUIRED if verify else ssl.CERT_NONE,
            assert_hostname=None if verify else False,
            headers={"Accept": "application/json", **access.headers},
            retries=False,
            timeout=_TIMEOUT,
        )

    def close(self) -> None:
        self._pool.clear()

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
        try:
            answer = self._pool.request("GET", self.server + path, fields=fields)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise self._transport(exc) from None
        if not 200 <= answer.status <= 299:
            raise self._refused(answer, kind, namespace, name)
        try:
            decoded = orjson.loads(answer.data) if answer.data else {}
        except orjson.JSONDecodeError:
            raise ActionFailed(
                f"the server answered something other than JSON for {path}"
            ) from None
        return decoded if isinstance(decoded, dict) else {}

    def _transport(self, exc: BaseException) -> KubeError:
        return transport_error(self.server, exc) or ActionFailed(f"{type(exc).__name__}: {exc}")

    def _refused(self, answer: Any, kind: str, namespace: str | None, name: str) -> KubeError:
        message = status_message(answer.data, answer.status, answer.reason)
        if answer.status == 401:
            return Unauthorized(self.server)
        if answer.status == 403:
            return Forbidden(kind, namespace, message)
        if answer.status == 404:
            return NotFound(kind, namespace, name)
        return ActionFailed(message)
