"""Where each kind lives on the API server, and one raw request through the official client.

The client's generated API classes import every model they mention when first touched:
`CoreV1Api` alone costs about 0.7 s, `AppsV1Api` and `DiscoveryV1Api` half a second more, all
spent before the first list arrives. k9lite decodes raw JSON and never uses those models, so
it makes the request the generated methods make (`ApiClient.param_serialize`, then `call_api`),
with the same credentials, TLS, proxy, retries and `ApiException` on a non-2xx answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubernetes.client.exceptions import ApiException

from k9lite.model.kinds import RESOURCES
from k9lite.model.resources import Resource

__all__ = ["API_KINDS", "DEFAULT_KINDS", "TABLE_ACCEPT", "request"]


API_KINDS: dict[str, Resource] = RESOURCES
"""The kinds watched for the model, by the name the state keeps them under."""
DEFAULT_KINDS: tuple[str, ...] = tuple(API_KINDS)
TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
"""Server-side Tables, as `kubectl get` asks for them (plain JSON from an older server)."""


def request(
    api_client: Any,
    method: str,
    path: str,
    *,
    timeout: float | tuple[float, float | None],
    query: Mapping[str, Any] | None = None,
    body: Any = None,
    content_type: str | None = None,
    accept: str = "application/json",
) -> Any:
    """The unread `urllib3` response of one request; `ApiException` unless it answered 2xx.

    `query` values of None are left out; booleans go as `true`/`false`, as the client sends them.
    The caller reads (`.data` or `.stream()`) and then calls `release_conn()`.
    """
    headers = {"Accept": accept}
    if content_type is not None:
        headers["Content-Type"] = content_type
    params = [(key, value) for key, value in (query or {}).items() if value is not None]
    serialized = api_client.param_serialize(
        method=method,
        resource_path=path,
        query_params=params,
        header_params=headers,
        body=body,
        auth_settings=["BearerToken"],
    )
    answer = api_client.call_api(*serialized, _request_timeout=timeout)
    if not 200 <= answer.status <= 299:
        answer.read()
        raise ApiException.from_response(http_resp=answer, body=None, data=None)
    return answer.response
