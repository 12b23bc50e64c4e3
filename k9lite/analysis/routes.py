"""The route traffic takes to a Service's pods, hop by hop, from live cluster state.

A `Route` has one lane per Service port. A lane is a column of stages, outermost first: Ingress
rules, the load balancer, external IPs, every node's NodePort, the ClusterIP (or, headless, the
DNS name), then the endpoints. Each stage says what does the work (kube-proxy, the CNI pod
network, a cloud load balancer, an ingress controller, cluster DNS) and who can reach it. A hop
flows into the whole next stage unless it names its `targets` (a node under
`externalTrafficPolicy: Local` leads only to its own endpoints; with none it drops the traffic).

Endpoints come from the Service's EndpointSlices, which is what kube-proxy programs; pods the
selector picks that are not endpoints of a port are drawn too, with the reason (no IP yet, no
containerPort of the named targetPort).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from k9lite.model.cluster import Node
from k9lite.model.endpoints import EndpointSlice
from k9lite.model.ingresses import Ingress, IngressBackend
from k9lite.model.pods import Pod
from k9lite.model.services import Service, ServicePort
from k9lite.model.state import ClusterState

__all__ = [
    "CLUSTER_DOMAIN",
    "ROUTE_KINDS",
    "Health",
    "Route",
    "RouteHop",
    "RouteLane",
    "RouteStage",
    "StageKind",
    "build_route",
    "dns_name",
    "join_host_port",
    "node_address",
    "ready_pods_by_node",
]

CLUSTER_DOMAIN = "cluster.local"

ROUTE_KINDS = ("services", "endpointslices", "pods", "nodes", "ingresses")
"""What a route is drawn from: scale a Deployment and its pods and slices change it."""

Health = Literal["ok", "idle", "pending", "broken", "drops"]
"""ok: carries traffic; idle: receives nothing (not ready, terminating); pending: waits for an
address; broken: a link that cannot work; drops: traffic that reaches it goes nowhere."""

StageKind = Literal[
    "ingress", "load-balancer", "external-ip", "node-port", "cluster-ip", "dns", "endpoints"
]

# What each stage's work is done by, and who can reach it.
KUBE_PROXY = "kube-proxy on every node"
POD_NETWORK = "CNI pod network"
CLUSTER_DNS = "cluster DNS"
INSIDE = "inside the cluster only"
OUTSIDE = "from outside"
NODE_NETWORK = "from the nodes' network"
IN_CLUSTER_CLIENT = "a pod in the cluster"


@dataclass(frozen=True, slots=True)
class RouteHop:
    """One place traffic passes: an address, whose it is, and whether it carries traffic."""

    key: str
    address: str
    name: str = ""
    """What the address belongs to: a node, a pod, an Ingress rule, a DNS name."""
    where: str = ""
    """The node an endpoint runs on."""
    health: Health = "ok"
    note: str = ""
    targets: tuple[str, ...] | None = None
    """Keys of the hops it leads to; None: the whole next stage."""


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


def ready_pods_by_node(route: Route, port: ServicePort | None = None) -> dict[str, list[str]]:
    """The pods that answer now on a port of the route (its first lane by default), by node."""
    lane = next((lane for lane in route.lanes if port is None or lane.port == port), None)
    found: dict[str, list[str]] = {}
    for stage in lane.stages if lane is not None else ():
        if stage.kind == "endpoints":
            for hop in stage.hops:
                if hop.health == "ok":
                    found.setdefault(hop.where, []).append(hop.name or hop.address)
    return found


def dns_name(service: Service) -> str:
    return f"{service.meta.name}.{service.meta.namespace}.svc.{CLUSTER_DOMAIN}"


def build_route(state: ClusterState, service: Service) -> Route:
    """The route to `service`'s pods, as the cluster in `state` would carry it now."""
    kind = "headless" if service.headless else service.type
    selector = ",".join(f"{k}={v}" for k, v in sorted((service.selector or {}).items()))
    if service.type == "ExternalName":
        lanes: tuple[RouteLane, ...] = (_external_name_lane(service),)
    else:
        context = _Context(state, service)
        ports: tuple[ServicePort | None, ...] = service.ports or (None,)
        lanes = tuple(context.lane(port) for port in ports)
    return Route(
        namespace=service.meta.namespace,
        name=service.meta.name,
        kind=kind,
        selector=selector,
        lanes=lanes,
        notes=_notes(service),
    )


def _notes(service: Service) -> tuple[str, ...]:
    notes = []
    if service.type != "ExternalName" and service.selector is None:
        notes.append("no selector: its endpoints are made by hand, not picked from pods")
    if service.session_affinity == "ClientIP":
        notes.append("sessionAffinity ClientIP: each client keeps the pod it first reached")
    return tuple(notes)


def _external_name_lane(service: Service) -> RouteLane:
    dns = RouteStage(
        "dns",
        "DNS name",
        CLUSTER_DNS,
        INSIDE,
        (RouteHop("dns", dns_name(service), note=f"CNAME {service.external_name}"),),
        entries=(IN_CLUSTER_CLIENT,),
        note="an alias only: no ClusterIP, no kube-proxy, no endpoints",
    )
    target = RouteStage(
        "endpoints",
        "the external name",
        "the client connects itself",
        OUTSIDE,
        (RouteHop("external", service.external_name or "<none>", name="outside the cluster"),),
    )
    return RouteLane(f"ExternalName {service.external_name}", None, (dns, target))


def _port_title(port: ServicePort | None) -> str:
    if port is None:
        return "no ports"
    name = f" {port.name}" if port.name else ""
    return f"port{name} {port.port}/{port.protocol} → targetPort {port.target_port}"


def join_host_port(host: str, port: int | str) -> str:
    """`host:port`, with an IPv6 host in brackets (`[fd00::1]:80`) as Go's JoinHostPort."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def node_address(node: Node) -> str:
    """Where a node's NodePorts are reached: its InternalIP, else its ExternalIP, else its name."""
    return next(iter(node.internal_ips or node.external_ips), node.meta.name)


def _serves(backend: IngressBackend | None, service: Service, port: ServicePort) -> bool:
    if backend is None or backend.service_name != service.meta.name:
        return False
    return backend.service_port in (port.port, port.name) and backend.service_port != ""


class _Context:
    """What every lane of one Service needs from the state, looked up once."""

    def __init__(self, state: ClusterState, service: Service) -> None:
        self.state = state
        self.service = service
        self.slices: list[EndpointSlice] = state.endpoint_slices_of(service)
        self.pods: list[Pod] = state.pods_selected_by(service)
        self.nodes: list[Node] = sorted(state.objects("nodes"), key=lambda n: n.meta.name)
        self.ingresses: list[Ingress] = state.objects("ingresses", service.meta.namespace)
        self.serving_terminating: set[str] = set()
        """Keys of endpoints that are terminating but still serving."""

    def lane(self, port: ServicePort | None) -> RouteLane:
        service = self.service
        endpoints = self._endpoints(port)
        stages: list[RouteStage] = []
        if port is not None:
            stages += self._ingress_stage(port, endpoints)
            if service.type == "LoadBalancer":
                stages.append(self._load_balancer_stage(port))
            if service.external_ips and not service.headless:
                stages.append(self._external_ip_stage(port))
            if service.type in ("NodePort", "LoadBalancer") and port.node_port:
                stages.append(self._node_port_stage(port, endpoints))
        stages.append(self._front_stage(port))
        stages.append(endpoints)
        return RouteLane(_port_title(port), port, tuple(stages))

    # -- the stages, outermost first ------------------------------------------------------------

    def _ingress_stage(self, port: ServicePort, endpoints: RouteStage) -> list[RouteStage]:
        # The controller sends to the Service's endpoints; a headless one has no ClusterIP.
        into = tuple(h.key for h in endpoints.hops) if self.service.headless else ("cluster-ip",)
        hops: list[RouteHop] = []
        routing: list[Ingress] = []
        for ingress in sorted(self.ingresses, key=lambda i: i.meta.name):
            name = f"ingress {ingress.meta.name}"
            found = len(hops)
            if _serves(ingress.default_backend, self.service, port):
                key = f"ingress:{ingress.meta.name}:*"
                hops.append(RouteHop(key, "* (default backend)", name, targets=into))
            for rule in ingress.rules:
                for path in rule.paths:
                    if _serves(path.backend, self.service, port):
                        address = f"{rule.host or '*'}{path.path or '/'}"
                        key = f"ingress:{ingress.meta.name}:{address}"
                        rule_name = f"{name} ({path.path_type})" if path.path_type else name
                        hops.append(RouteHop(key, address, rule_name, targets=into))
            if len(hops) > found:
                routing.append(ingress)
        if not hops:
            return []
        classes = sorted({i.ingress_class for i in routing if i.ingress_class})
        actor = "ingress controller" + (f" ({', '.join(classes)})" if classes else "")
        addresses = sorted({a.ip or a.hostname for i in routing for a in i.load_balancer_ingress})
        reach = f"{OUTSIDE}, at {', '.join(addresses)}" if addresses else f"{OUTSIDE}, over HTTP"
        return [
            RouteStage(
                "ingress",
                "Ingress rules (HTTP host and path)",
                actor,
                reach,
                tuple(hops),
                entries=("an HTTP client outside the cluster",),
            )
        ]

    def _load_balancer_stage(self, port: ServicePort) -> RouteStage:
        service = self.service
        hops = tuple(
            RouteHop(f"lb:{a.ip or a.hostname}", join_host_port(a.ip or a.hostname, port.port))
            for a in service.load_balancer_ingress
        )
        note = ""
        if not hops:
            if service.load_balancer_class:
                reason = f"no controller of class {service.load_balancer_class} has answered"
                note = "until it does, reach the Service through the NodePort below"
            else:
                reason = "no load-balancer controller has given it an address"
                note = "outside a cloud, install one (e.g. MetalLB); meanwhile use the NodePort"
            hops = (RouteHop("lb:pending", "<pending>", health="pending", note=reason),)
        return RouteStage(
            "load-balancer",
            "LoadBalancer",
            "cloud load balancer, spreading over the nodes",
            OUTSIDE,
            hops,
            entries=("a client outside the cluster",),
            note=note,
        )

    def _external_ip_stage(self, port: ServicePort) -> RouteStage:
        hops = tuple(
            RouteHop(f"external-ip:{ip}", join_host_port(ip, port.port), targets=("cluster-ip",))
            for ip in self.service.external_ips
        )
        return RouteStage(
            "external-ip",
            "external IPs",
            KUBE_PROXY,
            "from wherever routes that IP to a node",
            hops,
            entries=("a client routed to an external IP",),
        )

    def _node_port_stage(self, port: ServicePort, endpoints: RouteStage) -> RouteStage:
        local = self.service.external_traffic_policy == "Local"
        if not self.nodes:
            hops: tuple[RouteHop, ...] = (
                RouteHop("node:*", f"<every node>:{port.node_port}", note="no nodes visible"),
            )
        else:
            hops = tuple(self._node_hop(node, port, endpoints, local) for node in self.nodes)
        note = (
            "externalTrafficPolicy Local: each node to its own pods only (client IP kept)"
            if local
            else "any node forwards to any endpoint, also on other nodes"
        )
        # Behind a load balancer the nodes are reached through it, unless it has no address yet.
        behind = self.service.type == "LoadBalancer" and not self.service.load_balancer_pending
        entries = () if behind else ("a client outside the cluster",)
        return RouteStage(
            "node-port",
            f"NodePort {port.node_port} on every node",
            KUBE_PROXY,
            NODE_NETWORK,
            hops,
            entries=entries,
            note=note,
        )

    def _node_hop(
        self, node: Node, port: ServicePort, endpoints: RouteStage, local: bool
    ) -> RouteHop:
        name = node.meta.name
        address = join_host_port(node_address(node), port.node_port or "")
        health: Health = "ok" if node.ready else "idle"
        note = "" if node.ready else f"node {node.status}"
        if not local:
            return RouteHop(f"node:{name}", address, name, health=health, note=note)
        here = [h for h in endpoints.hops if h.where == name]
        own = tuple(h.key for h in here if h.health == "ok")
        if not own:
            # With no ready local endpoint, kube-proxy falls back to the serving terminating
            # ones (KEP-1669), so a rolling update does not drop the node's connections.
            own = tuple(h.key for h in here if h.key in self.serving_terminating)
        if not own:
            return RouteHop(
                f"node:{name}",
                address,
                name,
                health="drops",
                note="no local endpoint: drops the traffic",
                targets=(),
            )
        return RouteHop(f"node:{name}", address, name, health=health, note=note, targets=own)

    def _front_stage(self, port: ServicePort | None) -> RouteStage:
        """The ClusterIP, or a headless Service's DNS name."""
        service = self.service
        if service.headless:
            hop = RouteHop("dns", dns_name(service), note="A records: the pod IPs")
            return RouteStage(
                "dns",
                "headless: no ClusterIP",
                CLUSTER_DNS,
                INSIDE,
                (hop,),
                entries=(IN_CLUSTER_CLIENT,),
                note="clients connect to the pod IPs themselves: no kube-proxy",
            )
        ip = service.cluster_ip or "<none>"
        address = join_host_port(ip, port.port) if port is not None else ip
        hop = RouteHop("cluster-ip", address, dns_name(service))
        note = "kube-proxy spreads connections, not requests (keep-alive keeps a pod)"
        if service.internal_traffic_policy == "Local":
            note = "internalTrafficPolicy Local: a pod reaches only endpoints on its own node"
        return RouteStage(
            "cluster-ip",
            "ClusterIP",
            KUBE_PROXY,
            INSIDE,
            (hop,),
            entries=(IN_CLUSTER_CLIENT,),
            note=note,
        )

    def _endpoints(self, port: ServicePort | None) -> RouteStage:
        hops: dict[str, RouteHop] = {}
        for endpoint_slice in self.slices:
            number = _slice_port(endpoint_slice, port)
            if number is None and port is not None:
                continue
            for endpoint in endpoint_slice.endpoints:
                if not endpoint.addresses:
                    continue
                address = endpoint.addresses[0]
                shown = join_host_port(address, number) if number is not None else address
                key = f"endpoint:{shown}"
                pod_name = endpoint.target.name if endpoint.target else ""
                where = endpoint.node_name or self._node_of(pod_name)
                health: Health = "ok" if endpoint.ready else "idle"
                note = "ready"
                if endpoint.terminating and endpoint.serving:
                    note = "terminating: serves only while no pod is ready"
                    self.serving_terminating.add(key)
                elif endpoint.terminating:
                    note = "terminating: receives no new connections"
                elif not endpoint.ready:
                    note = "not ready: receives nothing"
                hops.setdefault(key, RouteHop(key, shown, pod_name, where, health, note))
        named = {hop.name for hop in hops.values()}
        for pod in self.pods:
            if pod.meta.name not in named and pod.phase not in ("Succeeded", "Failed"):
                hop = _missing(pod, port)
                hops[hop.key] = hop
        ready = sum(1 for hop in hops.values() if hop.health == "ok")
        others = len(hops) - ready
        title = f"endpoints: {ready} ready" + (f", {others} not" if others else "")
        if not hops:
            title = "endpoints: none"
        return RouteStage(
            "endpoints",
            title,
            POD_NETWORK,
            INSIDE + " (pod IPs)",
            tuple(sorted(hops.values(), key=_endpoint_order)),
            note=self._no_endpoints_note() if not hops else "",
        )

    def _node_of(self, pod_name: str) -> str:
        if not pod_name:
            return ""
        pod = self.state.get("pods", self.service.meta.namespace, pod_name)
        return pod.node_name if pod is not None else ""

    def _no_endpoints_note(self) -> str:
        service = self.service
        if service.selector is None:
            return "no endpoints: none were made by hand; connections are refused"
        selector = ",".join(f"{k}={v}" for k, v in sorted(service.selector.items()))
        return f"no endpoints: selector {selector} matches no pods; connections are refused"


def _slice_port(endpoint_slice: EndpointSlice, port: ServicePort | None) -> int | None:
    """The port number this slice serves for a Service port (matched by name and protocol)."""
    if port is None:
        return None
    for candidate in endpoint_slice.ports:
        if candidate.name == port.name and candidate.protocol == port.protocol:
            return candidate.port
    return None


def _missing(pod: Pod, port: ServicePort | None) -> RouteHop:
    """A pod the selector picks that is not an endpoint of `port`, and why."""
    key, name, node = f"pod:{pod.meta.name}", pod.meta.name, pod.node_name
    target = port.target_port if port is not None else ""
    if isinstance(target, str) and target:
        declared = {p.name for c in pod.containers for p in c.ports if p.name}
        if target not in declared:
            address = join_host_port(pod.pod_ip or "<no IP>", target)
            # A named targetPort is looked up in each pod: one without it gets no traffic.
            note = f"no port named {target!r} in the pod"
            return RouteHop(key, address, name, node, "broken", note)
    if not pod.pod_ip:
        return RouteHop(key, "<no IP yet>", name, node, "pending", f"{pod.status}: no IP yet")
    address = join_host_port(pod.pod_ip, target)
    return RouteHop(key, address, name, node, "pending", f"{pod.status}: not an endpoint yet")


_HEALTH_ORDER = {"ok": 0, "idle": 1, "pending": 2, "broken": 3, "drops": 4}


def _endpoint_order(hop: RouteHop) -> tuple[int, str, str]:
    return (_HEALTH_ORDER[hop.health], hop.where, hop.name or hop.address)
