"""Changes and reads the UI asks for: scale, delete, get one object as raw JSON.

Each takes a `Connection` (a client is made and closed) or an open `ApiClient`, and raises
`Forbidden`, `NotFound`, `ActionFailed` or a transport error (`ClusterUnreachable`...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import urllib3.exceptions
from kubernetes.client import ApiClient, AppsV1Api
from kubernetes.client.exceptions import ApiException

from k9lite.kube.config import Connection
from k9lite.kube.errors import (
    ActionFailed,
    Forbidden,
    KubeError,
    NotFound,
    Unauthorized,
    api_message,
    transport_error,
)
from k9lite.kube.watch import API_KINDS, ApiKind

__all__ = ["delete", "get_raw", "scale"]

REQUEST_TIMEOUT = (10.0, 30.0)


@contextmanager
def _client(target: Connection | ApiClient) -> Iterator[Any]:
    if isinstance(target, Connection):
        api_client: Any = target.api_client()
        try:
            yield api_client
        finally:
            api_client.close()
    else:
        yield target


def _server(api_client: Any) -> str:
    return str(api_client.configuration.host)


def _kind(kind: str) -> ApiKind:
    try:
        return API_KINDS[kind]
    except KeyError:
        raise ActionFailed(f"unknown kind {kind!r}; choose from {', '.join(API_KINDS)}") from None


def _typed(
    exc: BaseException, server: str, kind: str, namespace: str | None, name: str
) -> KubeError:
    """The typed error for a failed request about one object."""
    if isinstance(exc, ApiException) and exc.status:
        if exc.status == 401:
            return Unauthorized(server)
        if exc.status == 403:
            return Forbidden(kind, namespace, api_message(exc))
        if exc.status == 404:
            return NotFound(kind, namespace, name)
        return ActionFailed(api_message(exc))
    return transport_error(server, exc) or ActionFailed(f"{type(exc).__name__}: {exc}")


def _request(
    api_client: Any, call: Callable[[], Any], kind: str, namespace: str | None, name: str
) -> dict[str, Any]:
    """Run one client call with a raw answer; its JSON body, or a typed error."""
    try:
        response = call()
        try:
            body = response.data
        finally:
            response.release_conn()
    except (ApiException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise _typed(exc, _server(api_client), kind, namespace, name) from None
    try:
        decoded = orjson.loads(body) if body else {}
    except orjson.JSONDecodeError:
        raise ActionFailed(f"the server answered something other than JSON for {name}") from None
    return decoded if isinstance(decoded, dict) else {}


def scale(target: Connection | ApiClient, namespace: str, name: str, replicas: int) -> int:
    """Set a Deployment's replicas as `kubectl scale` does; the replicas the server accepted.

    A merge patch of the scale subresource: `{"spec":{"replicas":N}}`.
    """
    if replicas < 0:
        raise ActionFailed(f"cannot scale {name} to {replicas} replicas")
    with _client(target) as api_client:
        apps = AppsV1Api(api_client)
        answer = _request(
            api_client,
            lambda: apps.patch_namespaced_deployment_scale(
                name,
                namespace,
                {"spec": {"replicas": replicas}},
                _content_type="application/merge-patch+json",
                _preload_content=False,
                _request_timeout=REQUEST_TIMEOUT,
            ),
            "deployments",
            namespace,
            name,
        )
    return int((answer.get("spec") or {}).get("replicas", replicas))


def delete(target: Connection | ApiClient, kind: str, namespace: str | None, name: str) -> None:
    """Delete one object, its dependents collected in the background (as kubectl)."""
    api_kind = _kind(kind)
    with _client(target) as api_client:
        method = api_kind.method(api_client, "delete")
        args = (name, namespace) if api_kind.namespaced else (name,)
        _request(
            api_client,
            lambda: method(
                *args,
                propagation_policy="Background",
                _preload_content=False,
                _request_timeout=REQUEST_TIMEOUT,
            ),
            kind,
            namespace,
            name,
        )


def get_raw(
    target: Connection | ApiClient, kind: str, namespace: str | None, name: str
) -> dict[str, Any]:
    """One object as the server's JSON (for describe and YAML views)."""
    api_kind = _kind(kind)
    with _client(target) as api_client:
        method = api_kind.method(api_client, "read")
        args = (name, namespace) if api_kind.namespaced else (name,)
        return _request(
            api_client,
            lambda: method(*args, _preload_content=False, _request_timeout=REQUEST_TIMEOUT),
            kind,
            namespace,
            name,
        )
