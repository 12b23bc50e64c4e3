"""The tour's changes to the cluster: manifests applied as `kubectl apply` does, merge patches.

`kubectl apply` (client-side) reads the object; when it is missing it creates it with the
manifest recorded in the `kubectl.kubernetes.io/last-applied-configuration` annotation, else
it sends a patch (kubectl computes a three-way strategic merge; a merge patch of the whole
manifest gives the same object for the tour's manifests, which only add and change fields).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# The helpers every action shares: one client per call, typed errors per request.
from k9lite.kube.actions import _kind, get_raw, object_request
from k9lite.kube.api import API_KINDS, Client
from k9lite.kube.config import Connection
from k9lite.kube.errors import ActionFailed, NotFound

__all__ = ["Written", "apply_manifests", "merge_patch"]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_MERGE_PATCH = "application/merge-patch+json"


@dataclass(frozen=True, slots=True)
class Written:
    """One object as the server stored it: a watch that shows this version has seen the change."""

    kind: str
    namespace: str
    name: str
    resource_version: str
    verb: str
    """created, configured or patched (kubectl's words)."""


def _written(kind: str, answer: dict[str, Any], verb: str) -> Written:
    meta = answer.get("metadata") or {}
    return Written(
        kind, meta.get("namespace", ""), meta.get("name", ""), meta.get("resourceVersion", ""), verb
    )


def _plural(obj: dict[str, Any]) -> str:
    """The API plural of a manifest's kind (Service -> services, Ingress -> ingresses)."""
    kind = str(obj.get("kind", ""))
    plural = kind.lower() + ("es" if kind.endswith("s") else "s")
    if plural not in API_KINDS:
        raise ActionFailed(f"cannot apply a {kind or 'manifest without kind'}")
    return plural


def _with_last_applied(manifest: dict[str, Any], namespace: str | None) -> dict[str, Any]:
    """The manifest as kubectl apply sends it: in its namespace, and recording itself.

    kubectl (staging/src/k8s.io/kubectl/pkg/util/apply.go, GetModifiedConfiguration) records the
    object with its other annotations (an empty map when none) as sorted, compact JSON ending in
    a newline; the same bytes here, so a later `kubectl apply` of the file finds nothing to do.
    """
    meta = dict(manifest["metadata"])
    if namespace is not None:
        meta["namespace"] = namespace
    meta["annotations"] = {
        k: v for k, v in (meta.get("annotations") or {}).items() if k != LAST_APPLIED
    }
    recorded = {**manifest, "metadata": meta}
    text = json.dumps(recorded, sort_keys=True, separators=(",", ":")) + "\n"
    return {
        **recorded,
        "metadata": {**meta, "annotations": {**meta["annotations"], LAST_APPLIED: text}},
    }


def apply_manifests(connection: Connection, objects: Iterable[dict[str, Any]]) -> list[Written]:
    """Create or update each object in order."""
    results = []
    with connection.client() as client:
        for manifest in objects:
            plural = _plural(manifest)
            api_kind = _kind(plural)
            name = str(manifest["metadata"]["name"])
            namespace = (
                manifest["metadata"].get("namespace", "default") if api_kind.namespaced else None
            )
            body = _with_last_applied(manifest, namespace)
            try:
                get_raw(client, plural, namespace, name)
            except NotFound:
                path = api_kind.path(namespace)
                answer = object_request(client, "POST", path, plural, namespace, name, body=body)
                results.append(_written(plural, answer, "created"))
                continue
            answer = _patch(client, plural, namespace, name, body)
            results.append(_written(plural, answer, "configured"))
    return results


def merge_patch(
    connection: Connection, kind: str, namespace: str, name: str, body: dict[str, Any]
) -> Written:
    """`kubectl patch KIND NAME --type merge -p BODY`."""
    with connection.client() as client:
        return _written(kind, _patch(client, kind, namespace, name, body), "patched")


def _patch(
    client: Client, kind: str, namespace: str | None, name: str, body: dict[str, Any]
) -> dict[str, Any]:
    path = _kind(kind).path(namespace, name)
    return object_request(
        client, "PATCH", path, kind, namespace, name, body=body, content_type=_MERGE_PATCH
    )
