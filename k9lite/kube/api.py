"""Where each kind lives on the API server, and one raw request through the official client.

The client's generated API classes import every model they mention when first touched:
`CoreV1Api` alone costs about 0.7 s, `AppsV1Api` and `DiscoveryV1Api` half a second more, all
spent before the first list arrives. k9lite decodes raw JSON and never uses those models, so
it makes the request the generated methods make (`ApiClient.param_serialize`, then `call_api`),
with the same credentials, TLS, proxy, retries and `ApiException` on a non-2xx answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from kubernetes.client.exceptions import ApiException

__all__ = ["API_KINDS", "DEFAULT_KINDS", "ApiKind", "request"]


@dataclass(frozen=True, slots=True)
class ApiKind:
    """One resource: its plural, its group/version prefix and whether it lives in namespaces."""

    plural: str
    prefix: str
    """`/api/v1` for the core group, `/apis/GROUP/VERSION` for the others."""
    namespaced: bool

    def path(
        self, namespace: str | None = None, name: str | None = None, subresource: str = ""
    ) -> str:
        """The collection (across namespaces when `namespace` is None) or one object's path."""
        parts = [self.prefix]
        if self.namespaced and namespace is not None:
            parts += ["namespaces", quote(namespace, safe="")]
        parts.append(self.plural)
        if name is not None:
            parts.append(quote(name, safe=""))
        if subresource:
            parts.append(subresource)
        return "/".join(parts)


API_KINDS: dict[str, ApiKind] = {
    k.plural: k
    for k in (
        ApiKind("namespaces", "/api/v1", False),
        ApiKind("nodes", "/api/v1", False),
        ApiKind("pods", "/api/v1", True),
        ApiKind("services", "/api/v1", True),
        ApiKind("endpointslices", "/apis/discovery.k8s.io/v1", True),
        ApiKind("deployments", "/apis/apps/v1", True),
        ApiKind("replicasets", "/apis/apps/v1", True),
        ApiKind("ingresses", "/apis/networking.k8s.io/v1", True),
    )
}
DEFAULT_KINDS: tuple[str, ...] = tuple(API_KINDS)


def request(
    api_client: Any,
    method: str,
    path: str,
    *,
    timeout: float | tuple[float, float],
    query: Mapping[str, Any] | None = None,
    body: Any = None,
    content_type: str | None = None,
) -> Any:
    """The unread `urllib3` response of one request; `ApiException` unless it answered 2xx.

    `query` values of None are left out; booleans go as `true`/`false`, as the client sends them.
    The caller reads (`.data` or `.stream()`) and then calls `release_conn()`.
    """
    headers = {"Accept": "application/json"}
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
