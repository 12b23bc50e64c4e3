"""Changes and reads the UI asks for: scale, delete, one object as raw JSON, its Events.

Each takes a `Connection` (a client is made and closed) or an open `Client`, and raises
`Forbidden`, `NotFound`, `ActionFailed` or a transport error (`ClusterUnreachable`...).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import urllib3.exceptions

from k9lite.kube.api import API_KINDS, ApiError, Client, request_body
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
from k9lite.model.events import EVENTS
from k9lite.model.resources import Resource

__all__ = ["delete", "events_of", "get_raw", "object_request", "scale"]

REQUEST_TIMEOUT = (10.0, 30.0)
# describe reads an object's Events when asked, as kubectl describe does: at most this many.
_EVENTS_LIMIT = 500


@contextmanager
def _client(target: Connection | Client) -> Iterator[Client]:
    if isinstance(target, Connection):
        with target.client() as client:
            yield client
    else:
        yield target


def _kind(kind: str | Resource) -> Resource:
    """A resource, or one the model decodes named by its plural (`pods`)."""
    if isinstance(kind, Resource):
        return kind
    try:
        return API_KINDS[kind]
    except KeyError:
        raise ActionFailed(f"unknown kind {kind!r}; choose from {', '.join(API_KINDS)}") from None


def _typed(
    exc: BaseException, server: str, kind: str, namespace: str | None, name: str
) -> KubeError:
    """The typed error for a failed request about one object."""
    if isinstance(exc, ApiError):
        if exc.status == 401:
            return Unauthorized(server)
        if exc.status == 403:
            return Forbidden(kind, namespace, api_message(exc))
        if exc.status == 404:
            return NotFound(kind, namespace, name)
        return ActionFailed(api_message(exc))
    return transport_error(server, exc) or ActionFailed(f"{type(exc).__name__}: {exc}")


def object_request(
    client: Client,
    method: str,
    path: str,
    kind: str,
    namespace: str | None,
    name: str,
    **options: Any,
) -> dict[str, Any]:
    """One request about one object; its JSON body, or a typed error."""
    try:
        body = request_body(client, method, path, timeout=REQUEST_TIMEOUT, **options)
    except (ApiError, urllib3.exceptions.HTTPError, OSError) as exc:
        raise _typed(exc, client.server, kind, namespace, name) from None
    try:
        decoded = orjson.loads(body) if body else {}
    except orjson.JSONDecodeError:
        raise ActionFailed(f"the server answered something other than JSON for {name}") from None
    return decoded if isinstance(decoded, dict) else {}


def scale(target: Connection | Client, namespace: str, name: str, replicas: int) -> int:
    """Set a Deployment's replicas as `kubectl scale` does; the replicas the server accepted.

    A merge patch of the scale subresource: `{"spec":{"replicas":N}}`.
    """
    if replicas < 0:
        raise ActionFailed(f"cannot scale {name} to {replicas} replicas")
    deployments = API_KINDS["deployments"]
    with _client(target) as client:
        answer = object_request(
            client,
            "PATCH",
            deployments.path(namespace, name, "scale"),
            "deployments",
            namespace,
            name,
            body={"spec": {"replicas": replicas}},
            content_type="application/merge-patch+json",
        )
    return int((answer.get("spec") or {}).get("replicas", replicas))


def delete(
    target: Connection | Client, kind: str | Resource, namespace: str | None, name: str
) -> None:
    """Delete one object, its dependents collected in the background (as kubectl)."""
    resource = _kind(kind)
    with _client(target) as client:
        object_request(
            client,
            "DELETE",
            resource.path(namespace, name),
            resource.plural,
            namespace,
            name,
            query={"propagationPolicy": "Background"},
        )


def get_raw(
    target: Connection | Client, kind: str | Resource, namespace: str | None, name: str
) -> dict[str, Any]:
    """One object as the server's JSON (for describe and YAML views)."""
    resource = _kind(kind)
    with _client(target) as client:
        return object_request(
            client, "GET", resource.path(namespace, name), resource.plural, namespace, name
        )


def events_of(
    target: Connection | Client, kind: str, namespace: str, name: str, uid: str
) -> list[dict[str, Any]]:
    """The Events about one object, found as `kubectl describe` finds them.

    kubectl's selector: involvedObject.uid, .name, .namespace and .kind. A cluster-scoped object
    (a Node) has its Events in any namespace: they are listed across namespaces.
    """
    selector = ",".join(
        (
            f"involvedObject.uid={uid}",
            f"involvedObject.name={name}",
            f"involvedObject.namespace={namespace}",
            f"involvedObject.kind={kind}",
        )
    )
    with _client(target) as client:
        answer = object_request(
            client,
            "GET",
            EVENTS.path(namespace or None),
            "events",
            namespace or None,
            name,
            query={"fieldSelector": selector, "limit": str(_EVENTS_LIMIT)},
        )
    items = answer.get("items")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
