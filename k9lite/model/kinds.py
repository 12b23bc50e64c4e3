"""The kinds k9lite watches, by the plural name their API paths use, and how each decodes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeAlias

from k9lite.model.cluster import Namespace, Node, decode_namespace, decode_node
from k9lite.model.endpoints import EndpointSlice, decode_endpoint_slice
from k9lite.model.ingresses import Ingress, decode_ingress
from k9lite.model.pods import Pod, decode_pod
from k9lite.model.services import Service, decode_service
from k9lite.model.workloads import Deployment, ReplicaSet, decode_deployment, decode_replica_set

__all__ = ["KINDS", "KindName", "KubeObject", "UnknownKind", "decode"]

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


class UnknownKind(KeyError):
    """A kind name that is not one of KINDS (a typo in a caller)."""


def decode(kind: str, raw: Mapping[str, Any]) -> KubeObject:
    """Decode a raw object of `kind` ("pods", "services"...); DecodeError if malformed."""
    try:
        decoder = _DECODERS[kind]
    except KeyError:
        raise UnknownKind(kind) from None
    return decoder(raw)
