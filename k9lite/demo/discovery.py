"""Discovery and OpenAPI documents: how kubectl learns which resources the server has.

Both the legacy form (APIVersions, APIGroupList, APIResourceList) and aggregated discovery
(APIGroupDiscoveryList, which kubectl accepts only with its exact Content-Type) are served, and an
OpenAPI v3 index just complete enough for `kubectl apply`'s default validation.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from typing import Any

import orjson

from k9lite.demo.openapi_schemas import component_schemas
from k9lite.demo.resources import ResourceType

__all__ = [
    "AGGREGATED_CONTENT_TYPE",
    "Served",
    "KUBERNETES_VERSION",
    "aggregated_discovery",
    "api_group_list",
    "api_resource_list",
    "api_versions",
    "group_versions",
    "openapi_group_version",
    "openapi_root",
    "version_info",
]

KUBERNETES_VERSION = "v1.37.1"
AGGREGATED_CONTENT_TYPE = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
_SUBRESOURCE_KINDS = {
    "status": None,  # the parent's own kind
    "scale": ("autoscaling", "v1", "Scale"),
    "log": None,  # a Pod, though the answer is text
}
_SUBRESOURCE_VERBS = {
    "status": ["get", "patch", "update"],
    "scale": ["get", "patch", "update"],
    "proxy": ["create", "delete", "get", "patch", "update"],
    "log": ["get"],
    "exec": ["create", "get"],
    "attach": ["create", "get"],
    "portforward": ["create", "get"],
}


Served = Sequence[ResourceType]
"""The resources a cluster serves, in discovery order (the core group first)."""


def group_versions(served: Served) -> list[tuple[str, str]]:
    """(group, version) pairs in discovery order, the core group first."""
    seen: list[tuple[str, str]] = []
    for rt in served:
        if (rt.group, rt.version) not in seen:
            seen.append((rt.group, rt.version))
    return seen


def version_info() -> dict[str, str]:
    major, minor, _ = KUBERNETES_VERSION.lstrip("v").split(".")
    return {
        "major": major,
        "minor": minor,
        "gitVersion": KUBERNETES_VERSION,
        "gitCommit": "k9lite-demo",
        "gitTreeState": "clean",
        "buildDate": "2026-09-01T00:00:00Z",
        "goVersion": "go1.25.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def api_versions(server_address: str) -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def api_group_list(served: Served) -> dict[str, Any]:
    groups = []
    for group, version in group_versions(served):
        if group:
            entry = {"groupVersion": f"{group}/{version}", "version": version}
            groups.append({"name": group, "versions": [entry], "preferredVersion": entry})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def _subresource_kind(rt: ResourceType, subresource: str) -> tuple[str, str, str]:
    if subresource == "proxy":  # ServiceProxyOptions, PodProxyOptions
        return ("", "v1", f"{rt.kind}ProxyOptions")
    if subresource in ("exec", "attach"):  # PodExecOptions, PodAttachOptions
        return ("", "v1", f"Pod{subresource.capitalize()}Options")
    if subresource == "portforward":
        return ("", "v1", "PodPortForwardOptions")
    return _SUBRESOURCE_KINDS[subresource] or (rt.group, rt.version, rt.kind)


def api_resource_list(served: Served, group: str, version: str) -> dict[str, Any] | None:
    members = [rt for rt in served if (rt.group, rt.version) == (group, version)]
    if not members:
        return None
    resources: list[dict[str, Any]] = []
    for rt in members:
        entry: dict[str, Any] = {
            "name": rt.plural,
            "singularName": rt.singular,
            "namespaced": rt.namespaced,
            "kind": rt.kind,
            "verbs": list(rt.verbs),
        }
        if rt.short_names:
            entry["shortNames"] = list(rt.short_names)
        if rt.categories:
            entry["categories"] = list(rt.categories)
        resources.append(entry)
        for sub in rt.subresources:
            sub_group, sub_version, sub_kind = _subresource_kind(rt, sub)
            resources.append(
                {
                    "name": f"{rt.plural}/{sub}",
                    "singularName": "",
                    "namespaced": rt.namespaced,
                    "group": sub_group,
                    "version": sub_version,
                    "kind": sub_kind,
                    "verbs": _SUBRESOURCE_VERBS[sub],
                }
            )
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": resources,
    }


def aggregated_discovery(served: Served, core: bool) -> dict[str, Any]:
    """The APIGroupDiscoveryList for /api (`core`) or for /apis."""
    items = []
    for group, version in group_versions(served):
        if (group == "") != core:
            continue
        resources = []
        for rt in served:
            if (rt.group, rt.version) != (group, version):
                continue
            entry: dict[str, Any] = {
                "resource": rt.plural,
                "responseKind": {"group": rt.group, "version": rt.version, "kind": rt.kind},
                "scope": "Namespaced" if rt.namespaced else "Cluster",
                "singularResource": rt.singular,
                "verbs": list(rt.verbs),
            }
            if rt.short_names:
                entry["shortNames"] = list(rt.short_names)
            if rt.categories:
                entry["categories"] = list(rt.categories)
            if rt.subresources:
                entry["subresources"] = [
                    {
                        "subresource": sub,
                        "responseKind": dict(
                            zip(
                                ("group", "version", "kind"),
                                _subresource_kind(rt, sub),
                                strict=True,
                            )
                        ),
                        "verbs": _SUBRESOURCE_VERBS[sub],
                    }
                    for sub in rt.subresources
                ]
            resources.append(entry)
        items.append(
            {
                "metadata": {"name": group} if group else {},
                "versions": [{"version": version, "resources": resources, "freshness": "Current"}],
            }
        )
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }


def _openapi_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def openapi_group_version(served: Served, group: str, version: str) -> bytes | None:
    """A group-version's OpenAPI v3 document: a PATCH per kind that takes `fieldValidation`,
    and the schemas of its kinds (kubectl explain reads them)."""
    members = tuple(rt for rt in served if (rt.group, rt.version) == (group, version))
    if not members:
        return None
    return _openapi_document(group, version, members)


@functools.lru_cache(maxsize=64)
def _openapi_document(group: str, version: str, members: tuple[ResourceType, ...]) -> bytes:
    paths: dict[str, Any] = {}
    for rt in members:
        scope = "namespaces/{namespace}/" if rt.namespaced else ""
        item = f"/{_openapi_path(group, version)}/{scope}{rt.plural}/{{name}}"
        operation = {
            "operationId": f"patch{rt.kind}",
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": {
                "group": rt.group,
                "version": rt.version,
                "kind": rt.kind,
            },
            "parameters": [
                {
                    "name": "fieldValidation",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "Strict, Warn or Ignore: how unknown fields are treated.",
                },
                {"name": "fieldManager", "in": "query", "schema": {"type": "string"}},
                {"name": "dryRun", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {"200": {"description": "OK"}},
        }
        paths[item] = {"patch": operation}
    document = {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": KUBERNETES_VERSION},
        "paths": paths,
        "components": {
            "schemas": component_schemas((rt.group, rt.version, rt.kind) for rt in members)
        },
    }
    return orjson.dumps(document)


def openapi_root(served: Served) -> bytes:
    paths = {}
    for group, version in group_versions(served):
        document = openapi_group_version(served, group, version)
        assert document is not None
        digest = hashlib.sha512(document).hexdigest().upper()[:128]
        path = _openapi_path(group, version)
        paths[path] = {"serverRelativeURL": f"/openapi/v3/{path}?hash={digest}"}
    return orjson.dumps({"paths": paths})
