"""Where each kind lives on the API server, and one raw request to it through either client.

Two clients send k9lite's requests, the same requests with the same headers:
- `DirectClient` speaks urllib3 itself, with the credentials and TLS of the common kubeconfigs
  (`quick_config` reads them: a token or a client certificate, a CA). Importing the official
  client costs 0.15-0.2 s, a third of the app's time to its first screen at 1,000 pods.
- `OfficialClient` goes through the official client's `ApiClient`, for every other kubeconfig
  (exec and auth-provider plugins, proxies, several files, in-cluster): its credentials, TLS,
  proxy and retries.
Neither uses the generated API classes: they import every model they mention when first
touched (`CoreV1Api` alone costs about 0.7 s), and k9lite decodes raw JSON. The official client
is asked what its generated methods ask (`ApiClient.param_serialize`, then `call_api`).
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import orjson
import urllib3

from k9lite.kube.proxy import USER_AGENT, ProxyAccess
from k9lite.model.kinds import RESOURCES
from k9lite.model.resources import Resource

__all__ = [
    "API_KINDS",
    "DEFAULT_KINDS",
    "TABLE_ACCEPT",
    "ApiError",
    "Client",
    "DirectClient",
    "OfficialClient",
    "request",
    "request_body",
]


API_KINDS: dict[str, Resource] = RESOURCES
"""The kinds watched for the model, by the name the state keeps them under."""
DEFAULT_KINDS: tuple[str, ...] = tuple(API_KINDS)
TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
"""Server-side Tables, as `kubectl get` asks for them (plain JSON from an older server)."""
_POOL_SIZE = (os.cpu_count() or 1) * 5
"""Connections kept per server: the official client's default (`connection_pool_maxsize`)."""

Timeout = float | tuple[float, float | None]


class ApiError(Exception):
    """A non-2xx answer: what the official client's `ApiException` carries of it."""

    def __init__(self, status: int, reason: str, body: bytes, headers: Mapping[str, str]) -> None:
        super().__init__(f"{status} {reason}".strip())
        self.status = status
        self.reason = reason
        self.body = body
        self.headers = headers


@dataclass(frozen=True, slots=True)
class Call:
    """One request as `request` hands it to a client."""

    method: str
    path: str
    query: list[tuple[str, Any]]
    headers: dict[str, str]
    body: Any
    timeout: Timeout


class Client(ABC):
    """Sends `request`'s requests to one server; `with client:` closes its connections."""

    server: str

    @abstractmethod
    def send(self, call: Call) -> urllib3.BaseHTTPResponse:
        """The unread answer (not checked for its status)."""

    @abstractmethod
    def close(self) -> None:
        """Close every connection."""

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DirectClient(Client):
    """One API server over urllib3, as `access` says (server, credentials, TLS context)."""

    def __init__(self, access: ProxyAccess, *, single_attempt: bool = False) -> None:
        self.server = access.server
        self._headers = {"User-Agent": USER_AGENT, **access.headers}
        pool: dict[str, Any] = {"ssl_context": access.ssl_context, "maxsize": _POOL_SIZE}
        if single_attempt:
            pool["retries"] = False
        self._pool = urllib3.PoolManager(**pool)

    def send(self, call: Call) -> urllib3.BaseHTTPResponse:
        # Query values as the official client writes them: booleans as true/false.
        fields = [(k, str(v).lower() if isinstance(v, bool) else v) for k, v in call.query]
        query = "?" + urlencode(fields, quote_via=quote) if fields else ""
        return self._pool.request(
            call.method,
            self.server + call.path + query,
            body=None if call.body is None else orjson.dumps(call.body),
            headers={**self._headers, **call.headers},
            timeout=_timeout(call.timeout),
            preload_content=False,
        )

    def close(self) -> None:
        self._pool.clear()


class OfficialClient(Client):
    """The official client's `ApiClient` (the caller made it from the loaded configuration)."""

    def __init__(self, api_client: Any) -> None:
        self.api_client = api_client
        self.server = str(api_client.configuration.host)

    def send(self, call: Call) -> urllib3.BaseHTTPResponse:
        from kubernetes.client.exceptions import ApiException  # loaded with the client

        serialized = self.api_client.param_serialize(
            method=call.method,
            resource_path=call.path,
            query_params=call.query,
            header_params=call.headers,
            body=call.body,
            auth_settings=["BearerToken"],
        )
        try:
            answer = self.api_client.call_api(*serialized, _request_timeout=call.timeout)
        except ApiException as exc:
            # The client wraps a TLS failure as ApiException(status=0): raise urllib3's own
            # error, as the direct client does.
            if not exc.status and isinstance(exc.__context__, Exception):
                raise exc.__context__ from None
            raise
        response: urllib3.BaseHTTPResponse = answer.response
        return response

    def close(self) -> None:
        self.api_client.close()


def _timeout(timeout: Timeout) -> urllib3.Timeout:
    """(connect, read) seconds, or a total: as the official client reads `_request_timeout`."""
    if isinstance(timeout, tuple):
        return urllib3.Timeout(connect=timeout[0], read=timeout[1])
    return urllib3.Timeout(total=timeout)


def request(
    client: Client,
    method: str,
    path: str,
    *,
    timeout: Timeout,
    query: Mapping[str, Any] | None = None,
    body: Any = None,
    content_type: str | None = None,
    accept: str = "application/json",
) -> Any:
    """The unread `urllib3` response of one request; `ApiError` unless it answered 2xx.

    `query` values of None are left out; booleans go as `true`/`false`, as the client sends them.
    The caller reads (`.data` or `.stream()`) and then calls `release_conn()`.
    """
    headers = {"Accept": accept}
    if content_type is not None:
        headers["Content-Type"] = content_type
    params = [(key, value) for key, value in (query or {}).items() if value is not None]
    response = client.send(Call(method, path, params, headers, body, timeout))
    if not 200 <= response.status <= 299:
        try:
            data = response.data
        finally:
            response.release_conn()
        raise ApiError(response.status, response.reason or "", data, response.headers)
    return response


def request_body(client: Client, method: str, path: str, **options: Any) -> bytes:
    """The whole body of a 2xx answer to `request(client, method, path, **options)` (whose
    errors it raises), its connection given back to the pool."""
    response = request(client, method, path, **options)
    try:
        body: bytes = response.data
    finally:
        response.release_conn()
    return body
