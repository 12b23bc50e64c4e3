"""The route traffic takes to a Service's pods, hop by hop, from live cluster state.

A `Route` has one lane per Service port. A lane is a column of stages, outermost first: Ingress
rules, the load balancer, external IPs, every node's NodePort, the ClusterIP (or, headless, the
DNS name), then the endpoints. Each stage says what does the work (kube-proxy, the CNI pod
network, a cloud load balancer, an ingress controller, cluster DNS) and who can reach it. A hop
flows into the whole next stage unless it names its `targets` (a node under
`externalTrafficPolicy: Local` leads only to its own endpoints; with none it drops the traffic).

The parts (hops, stages, lanes) are in `route_types`, the endpoints stage in `route_endpoints`.
"""

from __future__ import annotations

from k9lite.analysis.route_endpoints import endpoints_stage
from k9lite.analysis.route_types import (
    CLUSTER_DNS,
    IN_CLUSTER_CLIENT,
    INSIDE,
    KUBE_PROXY,
    NODE_NETWORK,
    OUTSIDE,
    Health,
    HopId,
    Route,
    RouteHop,
    RouteLane,
    RouteStage,
    dns_name,
    join_host_port,
    node_address,
)
from k9lite.model.cluster import Node
from k9lite.model.endpoints import EndpointSlice
from k9lite.model.ingresses import Ingress, IngressBackend
from k9lite.model.pods import Pod
from k9lite.model.services import Service, ServicePort
from k9lite.model.state import ClusterState

__all__ = ["build_route", "ready_pods_by_node"]


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
        (RouteHop(HopId("dns"), dns_name(service), note=f"CNAME {service.external_name}"),),
        entries=(IN_CLUSTER_CLIENT,),
        note="an alias only: no ClusterIP, no kube-proxy, no endpoints",
    )
    name = service.external_name or "<none>"
    target = RouteStage(
        "endpoints",
        "the external name",
        "the client connects itself",
        OUTSIDE,
        (RouteHop(HopId("external-name", name), name, name="outside the cluster"),),
    )
    return RouteLane(f"ExternalName {service.external_name}", None, (dns, target))


def _port_title(port: ServicePort | None) -> str:
    if port is None:
        return "no ports"
    name = f" {port.name}" if port.name else ""
    return f"port{name} {port.port}/{port.protocol} → targetPort {port.target_port}"


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

    def lane(self, port: ServicePort | None) -> RouteLane:
        service = self.service
        endpoints = endpoints_stage(self.state, self.service, self.slices, self.pods, port)
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
        front = (HopId("cluster-ip"),)
        into = tuple(h.key for h in endpoints.hops) if self.service.headless else front
        hops: list[RouteHop] = []
        routing: list[Ingress] = []
        for ingress in sorted(self.ingresses, key=lambda i: i.meta.name):
            name = f"ingress {ingress.meta.name}"
            found = len(hops)
            if _serves(ingress.default_backend, self.service, port):
                key = HopId("ingress", ingress.meta.name)
                hops.append(RouteHop(key, "* (default backend)", name, targets=into))
            for rule in ingress.rules:
                for path in rule.paths:
                    if _serves(path.backend, self.service, port):
                        address = f"{rule.host or '*'}{path.path or '/'}"
                        key = HopId("ingress", ingress.meta.name, address)
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
            RouteHop(
                HopId("load-balancer", a.ip or a.hostname),
                join_host_port(a.ip or a.hostname, port.port),
            )
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
            hops = (RouteHop(HopId("load-balancer"), "<pending>", health="pending", note=reason),)
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
        into = (HopId("cluster-ip"),)
        hops = tuple(
            RouteHop(HopId("external-ip", ip), join_host_port(ip, port.port), targets=into)
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
            # Nodes the user may not list are unknown, not absent: every node still listens.
            unknown = self.state.unknown("nodes") is not None
            hops: tuple[RouteHop, ...] = (
                RouteHop(
                    HopId("node"),
                    f"<every node>:{port.node_port}",
                    health="unknown" if unknown else "ok",
                    note="unknown: may not list nodes" if unknown else "no nodes visible",
                ),
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
        key = HopId("node", name)
        if not local:
            return RouteHop(key, address, name, health=health, note=note)
        here = [h for h in endpoints.hops if h.where == name]
        own = tuple(h.key for h in here if h.health == "ok")
        if not own:
            # With no ready local endpoint, kube-proxy falls back to the serving terminating
            # ones (KEP-1669), so a rolling update does not drop the node's connections.
            own = tuple(h.key for h in here if h.serving)
        if not own:
            return RouteHop(
                key,
                address,
                name,
                health="drops",
                note="no local endpoint: drops the traffic",
                targets=(),
            )
        return RouteHop(key, address, name, health=health, note=note, targets=own)

    def _front_stage(self, port: ServicePort | None) -> RouteStage:
        """The ClusterIP, or a headless Service's DNS name."""
        service = self.service
        if service.headless:
            hop = RouteHop(HopId("dns"), dns_name(service), note="A records: the pod IPs")
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
        hop = RouteHop(HopId("cluster-ip"), address, dns_name(service))
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
