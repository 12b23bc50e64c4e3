"""The parts of a route: hops, stages, lanes; and how addresses are written.

See `k9lite.analysis.routes` for how a route is built from the cluster's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from k9lite.model.cluster import Node
from k9lite.model.kinds import KindName
from k9lite.model.services import Service, ServicePort

__all__ = [
    "CLUSTER_DOMAIN",
    "CLUSTER_DNS",
    "IN_CLUSTER_CLIENT",
    "INSIDE",
    "KUBE_PROXY",
    "NODE_NETWORK",
    "OUTSIDE",
    "POD_NETWORK",
    "ROUTE_KINDS",
    "Health",
    "HopId",
    "HopKind",
    "Route",
    "RouteHop",
    "RouteLane",
    "RouteStage",
    "StageKind",
    "dns_name",
    "join_host_port",
    "node_address",
]

CLUSTER_DOMAIN = "cluster.local"

ROUTE_KINDS: tuple[KindName, ...] = ("services", "endpointslices", "pods", "nodes", "ingresses")
"""What a route is drawn from: scale a Deployment and its pods and slices change it."""

Health = Literal["ok", "idle", "pending", "unknown", "broken", "drops"]
"""ok: carries traffic; idle: receives nothing (not ready, terminating); pending: waits for an
address; unknown: the user may not read what decides it; broken: a link that cannot work;
drops: traffic that reaches it goes nowhere."""

StageKind = Literal[
    "ingress", "load-balancer", "external-ip", "node-port", "cluster-ip", "dns", "endpoints"
]

HopKind = Literal[
    "ingress",
    "load-balancer",
    "external-ip",
    "node",
    "cluster-ip",
    "dns",
    "external-name",
    "endpoint",
    "pod",
]
"""What a hop is. endpoint: an address of an EndpointSlice; pod: a pod the selector picks that
is not (or, when EndpointSlices may not be read, not known to be) an endpoint."""

# What each stage's work is done by, and who can reach it.
KUBE_PROXY = "kube-proxy on every node"
POD_NETWORK = "CNI pod network"
CLUSTER_DNS = "cluster DNS"
INSIDE = "inside the cluster only"
OUTSIDE = "from outside"
NODE_NETWORK = "from the nodes' network"
IN_CLUSTER_CLIENT = "a pod in the cluster"


@dataclass(frozen=True, slots=True)
class HopId:
    """Which hop, unique in its lane: what it is and, where a stage has several, which one.

    Hops name the hops they lead to by it (`RouteHop.targets`)."""

    kind: HopKind
    name: str = ""
    """The node, pod, Ingress, endpoint address, load-balancer address or external IP; "" for
    the one hop of its stage (the ClusterIP, a DNS name, a pending load balancer, every node)."""
    rule: str = ""
    """An Ingress hop's host and path; "" for the Ingress's default backend."""


@dataclass(frozen=True, slots=True)
class RouteHop:
    """One place traffic passes: an address, whose it is, and whether it carries traffic."""

    key: HopId
    address: str
    name: str = ""
    """What the address belongs to: a node, a pod, an Ingress rule, a DNS name."""
    where: str = ""
    """The node an endpoint runs on."""
    health: Health = "ok"
    note: str = ""
    targets: tuple[HopId, ...] | None = None
    """The hops it leads to; None: the whole next stage."""
    serving: bool = False
    """An endpoint terminating but still serving: kube-proxy's fallback when none is ready."""


@dataclass(frozen=True, slots=True)
class RouteStage:
    """Hops that do the same job, e.g. every node's NodePort."""

    kind: StageKind
    title: str
    actor: str
    reach: str
    hops: tuple[RouteHop, ...]
    entries: tuple[str, ...] = ()
    """Clients that enter the route here ("a pod in the cluster")."""
    note: str = ""
    """A rule worth knowing here, or why the stage has no hops."""


@dataclass(frozen=True, slots=True)
class RouteLane:
    """The route of one Service port (or of an ExternalName, which has none)."""

    title: str
    port: ServicePort | None
    stages: tuple[RouteStage, ...]


@dataclass(frozen=True, slots=True)
class Route:
    """How traffic reaches one Service's pods."""

    namespace: str
    name: str
    kind: str
    """ClusterIP, NodePort, LoadBalancer, ExternalName, or headless."""
    selector: str
    lanes: tuple[RouteLane, ...]
    notes: tuple[str, ...] = ()


def dns_name(service: Service) -> str:
    return f"{service.meta.name}.{service.meta.namespace}.svc.{CLUSTER_DOMAIN}"


def join_host_port(host: str, port: int | str) -> str:
    """`host:port`, with an IPv6 host in brackets (`[fd00::1]:80`) as Go's JoinHostPort."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def node_address(node: Node) -> str:
    """Where a node's NodePorts are reached: its InternalIP, else its ExternalIP, else its name."""
    return next(iter(node.internal_ips or node.external_ips), node.meta.name)
