"""The kinds the model decodes into typed objects and indexes (the route, the doctor and the
views of these kinds read them): where each lives on the API server, and how each decodes.

Every other kind is shown from the server's own Tables (`k9lite.model.table_rows`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeAlias

from k9lite.model.cluster import Namespace, Node, decode_namespace, decode_node
from k9lite.model.endpoints import EndpointSlice, decode_endpoint_slice
from k9lite.model.ingresses import Ingress, decode_ingress
from k9lite.model.pods import Pod, decode_pod
from k9lite.model.resources import Resource
from k9lite.model.services import Service, decode_service
from k9lite.model.workloads import Deployment, ReplicaSet, decode_deployment, decode_replica_set

__all__ = ["KINDS", "RESOURCES", "KindName", "KubeObject", "UnknownKind", "decode"]

KubeObject: TypeAlias = (
    Namespace | Node | Pod | Service | EndpointSlice | Deployment | ReplicaSet | Ingress
)
KindName = Literal[
    "namespaces",
    "nodes",
    "pods",
    "services",
    "endpointslices",
    "deployments",
    "replicasets",
    "ingresses",
]

_DECODERS: dict[str, Callable[[Mapping[str, Any]], KubeObject]] = {
    "namespaces": decode_namespace,
    "nodes": decode_node,
    "pods": decode_pod,
    "services": decode_service,
    "endpointslices": decode_endpoint_slice,
    "deployments": decode_deployment,
    "replicasets": decode_replica_set,
    "ingresses": decode_ingress,
}

KINDS: tuple[str, ...] = tuple(_DECODERS)


def _core(plural: str, kind: str, namespaced: bool, *short: str) -> Resource:
    return Resource("", "v1", plural, kind, namespaced, kind.lower(), short)


RESOURCES: dict[str, Resource] = {
    "namespaces": _core("namespaces", "Namespace", False, "ns"),
    "nodes": _core("nodes", "Node", False, "no"),
    "pods": _core("pods", "Pod", True, "po"),
    "services": _core("services", "Service", True, "svc"),
    "endpointslices": Resource(
        "discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", True, "endpointslice"
    ),
    "deployments": Resource(
        "apps", "v1", "deployments", "Deployment", True, "deployment", ("deploy",)
    ),
    "replicasets": Resource("apps", "v1", "replicasets", "ReplicaSet", True, "replicaset", ("rs",)),
    "ingresses": Resource(
        "networking.k8s.io", "v1", "ingresses", "Ingress", True, "ingress", ("ing",)
    ),
}
"""Where each decoded kind lives, by the name the state keeps it under."""


class UnknownKind(KeyError):
    """A kind name that is not one of KINDS (a typo in a caller)."""


def decode(kind: str, raw: Mapping[str, Any]) -> KubeObject:
    """Decode a raw object of `kind` ("pods", "services"...); DecodeError if malformed."""
    try:
        decoder = _DECODERS[kind]
    except KeyError:
        raise UnknownKind(kind) from None
    return decoder(raw)
