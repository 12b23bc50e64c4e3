"""Which resources the server serves (discovery), so that any of them opens with `:name`.

As kubectl: the aggregated discovery documents of /api and /apis (two requests, Kubernetes
1.26 on), else the legacy documents (/api/v1, /apis, then one per group's preferred version).
Only the preferred version of each group is kept, and only resources that can be listed and
watched (not subresources such as `pods/log`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import urllib3.exceptions

from k9lite.kube.api import ApiError, Client, request_body
from k9lite.kube.config import Connection
from k9lite.kube.errors import KubeError, api_message, transport_error
from k9lite.model.resources import Resource

__all__ = ["discover", "parse_aggregated", "parse_resource_list"]

_AGGREGATED = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json"
)
_TIMEOUT = (5.0, 15.0)
_MOST_GROUPS = 200  # legacy discovery: one request per group, bounded


def _get(client: Client, path: str, accept: str = "application/json") -> dict[str, Any]:
    body = request_body(client, "GET", path, timeout=_TIMEOUT, accept=accept)
    found = orjson.loads(body or b"{}")
    return found if isinstance(found, dict) else {}


def discover(connection: Connection) -> list[Resource]:
    """Every listable resource of the server, in its group's preferred version; KubeError
    when the server cannot be asked."""
    client = connection.client()
    try:
        core = _get(client, "/api", _AGGREGATED)
        if core.get("kind") == "APIGroupDiscoveryList":
            groups = _get(client, "/apis", _AGGREGATED)
            return [*parse_aggregated(core), *parse_aggregated(groups)]
        return list(_legacy(client))
    except ApiError as exc:
        raise KubeError(f"discovery failed: {api_message(exc)}") from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        typed = transport_error(client.server, exc)
        raise (typed or KubeError(f"discovery failed: {exc}")) from None
    except orjson.JSONDecodeError as exc:
        raise KubeError(f"discovery answered something other than JSON: {exc}") from None
    finally:
        client.close()


def _legacy(client: Client) -> Iterator[Resource]:
    yield from parse_resource_list(_get(client, "/api/v1"))
    groups = _get(client, "/apis").get("groups") or []
    for group in groups[:_MOST_GROUPS]:
        preferred = (group.get("preferredVersion") or {}).get("groupVersion")
        if preferred:
            yield from parse_resource_list(_get(client, f"/apis/{preferred}"))


def _strings(raw: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in raw or () if isinstance(item, str))


def parse_aggregated(document: dict[str, Any]) -> Iterator[Resource]:
    """The resources of an APIGroupDiscoveryList: each group's first (preferred) version."""
    for group in document.get("items") or ():
        name = str((group.get("metadata") or {}).get("name") or "")
        versions = group.get("versions") or ()
        if not versions:
            continue
        preferred = versions[0]
        for entry in preferred.get("resources") or ():
            kind = (entry.get("responseKind") or {}).get("kind") or ""
            yield Resource(
                name,
                str(preferred.get("version", "")),
                str(entry.get("resource", "")),
                str(kind),
                entry.get("scope") == "Namespaced",
                str(entry.get("singularResource") or ""),
                _strings(entry.get("shortNames")),
                frozenset(_strings(entry.get("verbs"))),
            )


def parse_resource_list(document: dict[str, Any]) -> Iterator[Resource]:
    """The resources of a legacy APIResourceList (subresources such as `pods/log` left out)."""
    group, _, version = str(document.get("groupVersion", "")).rpartition("/")
    for entry in document.get("resources") or ():
        plural = str(entry.get("name", ""))
        if not plural or "/" in plural:
            continue
        yield Resource(
            group,
            version,
            plural,
            str(entry.get("kind", "")),
            bool(entry.get("namespaced")),
            str(entry.get("singularName") or ""),
            _strings(entry.get("shortNames")),
            frozenset(_strings(entry.get("verbs"))),
        )
