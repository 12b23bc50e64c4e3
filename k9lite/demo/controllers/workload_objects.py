"""The objects the workload controllers make: a Deployment's ReplicaSets, a ReplicaSet's Pods.

Each carries a controller owner reference to its maker; `controlled` finds them again by it.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson

from k9lite.demo.controllers.revisions import set_new_annotations
from k9lite.demo.registry import SUFFIX_ALPHABET
from k9lite.demo.resources import ResourceType
from k9lite.demo.store import Store, clone

__all__ = [
    "HASH_LABEL",
    "controlled",
    "is_ready",
    "pod_for",
    "pod_template_hash",
    "replica_set_for",
]

HASH_LABEL = "pod-template-hash"
"""Tells a Deployment's ReplicaSets, and their pods, apart by pod template."""


def pod_template_hash(template: dict[str, Any]) -> str:
    """A 10-character hash of a pod template, spelled like the real `pod-template-hash` label.

    Kubernetes hashes Go's dump of the template with FNV-32a and spells the decimal number with
    rand's safe alphabet (`775f65669c`); here CRC-32 (in C, fast) hashes canonical JSON.
    """
    value = zlib.crc32(orjson.dumps(template, option=orjson.OPT_SORT_KEYS))
    return "".join(SUFFIX_ALPHABET[ord(c) % len(SUFFIX_ALPHABET)] for c in str(value))


def is_ready(pod: dict[str, Any]) -> bool:
    """The pod's Ready condition is True."""
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in pod.get("status", {}).get("conditions", ())
    )


def controlled(store: Store, rt: ResourceType, owner: dict[str, Any]) -> list[dict[str, Any]]:
    """The objects of `rt` whose controlling owner is `owner`."""
    uid = owner["metadata"]["uid"]
    return [
        o
        for o in store.dependents(uid, rt)
        if any(
            r.get("uid") == uid and r.get("controller") for r in o["metadata"]["ownerReferences"]
        )
    ]


def _owner_reference(owner: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def replica_set_for(
    deploy: dict[str, Any], template_hash: str, *, revision: int, replicas: int
) -> dict[str, Any]:
    """The ReplicaSet a Deployment's controller makes for its template with this hash."""
    template = clone(deploy["spec"]["template"])
    template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = template_hash
    selector = clone(deploy["spec"]["selector"])
    selector.setdefault("matchLabels", {})[HASH_LABEL] = template_hash
    annotations: dict[str, str] = {}
    set_new_annotations(deploy, annotations, revision, exists=False)
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": f"{deploy['metadata']['name']}-{template_hash}",
            "labels": dict(template["metadata"]["labels"]),
            "annotations": annotations,
            "ownerReferences": [_owner_reference(deploy)],
        },
        "spec": {"replicas": replicas, "selector": selector, "template": template},
    }


def pod_for(rs: dict[str, Any], name: str) -> dict[str, Any]:
    """A pod of a ReplicaSet, from its template."""
    template = clone(rs["spec"]["template"])
    meta = template.get("metadata", {})
    meta.pop("creationTimestamp", None)
    meta["name"] = name
    # The ReplicaSet controller names its pods by generateName, which the pod keeps.
    meta["generateName"] = f"{rs['metadata']['name']}-"
    meta["ownerReferences"] = [_owner_reference(rs)]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": template["spec"]}
