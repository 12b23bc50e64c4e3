"""The Service's own shape: no selector, ExternalName, externalTrafficPolicy Local, and a
LoadBalancer still waiting for its address."""

from __future__ import annotations

from k9lite.analysis.doctor_findings import Finding, ServiceFacts, kubectl_patch
from k9lite.analysis.route_types import dns_name
from k9lite.analysis.routes import build_route, ready_pods_by_node
from k9lite.model.endpoints import SERVICE_NAME_LABEL, EndpointSlice
from k9lite.model.services import Service

__all__ = [
    "MANAGED_BY_LABEL",
    "external_name_finding",
    "load_balancer_findings",
    "local_policy_findings",
    "no_selector_findings",
]

MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"

_KEEPERS = {
    "endpointslicemirroring-controller.k8s.io": (
        "by the EndpointSlice mirroring controller, from its Endpoints object"
    ),
    # The selector controller only keeps slices of Services with a selector: these are left over.
    "endpointslice-controller.k8s.io": "by the EndpointSlice controller (left from a selector)",
}


# -- 7. no-selector-manual, no-selector-no-endpoints --------------------------------------------


def _keeper(service: Service, slices: list[EndpointSlice]) -> str:
    """Who keeps a selectorless Service's endpoints, as their managed-by label tells."""
    managers = sorted(
        {s.meta.labels[MANAGED_BY_LABEL] for s in slices if MANAGED_BY_LABEL in s.meta.labels}
    )
    if managers:
        return " and ".join(_KEEPERS.get(manager, f"by {manager}") for manager in managers)
    if service.meta.key == ("default", "kubernetes"):
        return "by the API server itself (its own addresses)"
    return "by hand"


def no_selector_findings(facts: ServiceFacts) -> list[Finding]:
    service = facts.service
    name = service.meta.name
    with_endpoints = [s for s in facts.slices if any(e.addresses for e in s.endpoints)]
    rule = (
        "A Service without a selector gets no endpoints from pods: whoever made it keeps its "
        f"EndpointSlices (labelled {SERVICE_NAME_LABEL}={name}) up to date."
    )
    if with_endpoints:
        evidence = []
        for endpoint_slice in with_endpoints:
            addresses = [e.addresses[0] for e in endpoint_slice.endpoints if e.addresses]
            ready = sum(1 for e in endpoint_slice.endpoints if e.addresses and e.ready)
            evidence.append(
                f"EndpointSlice {endpoint_slice.meta.name}: {', '.join(addresses)} ({ready} ready)"
            )
        return [
            Finding(
                "no-selector-manual",
                "info",
                f"no selector: its endpoints are kept {_keeper(service, with_endpoints)}",
                tuple(evidence),
                rule,
            )
        ]
    evidence = [f"EndpointSlice {s.meta.name} has no endpoints" for s in facts.slices] or [
        f"no EndpointSlice is labelled {SERVICE_NAME_LABEL}={name}"
    ]
    return [
        Finding(
            "no-selector-no-endpoints",
            "error",
            "no selector and no endpoints: connections to it are refused",
            tuple(evidence),
            rule,
        )
    ]


# -- 8. external-name ---------------------------------------------------------------------------


def external_name_finding(service: Service) -> Finding:
    target = service.external_name or "<none>"
    return Finding(
        "external-name",
        "info",
        f"ExternalName: a DNS alias for {target}, no endpoints by design",
        (f"{dns_name(service)} -> CNAME {target}",),
        "An ExternalName Service is only a CNAME record in cluster DNS: no ClusterIP, "
        "no kube-proxy, no selector, no endpoints.",
    )


# -- 9. local-policy-drops ----------------------------------------------------------------------


def local_policy_findings(facts: ServiceFacts) -> list[Finding]:
    service = facts.service
    if service.type not in ("NodePort", "LoadBalancer") or (
        service.external_traffic_policy != "Local"
    ):
        return []
    if not facts.state.objects("nodes"):
        return []
    route = build_route(facts.state, service)
    drops: dict[str, list[str]] = {}
    served: set[str] = set()
    for lane in route.lanes:
        for stage in lane.stages:
            if stage.kind != "node-port":
                continue
            for hop in stage.hops:
                if hop.health == "drops":
                    drops.setdefault(hop.name, []).append(hop.address)
                else:
                    served.add(hop.name)
    nodes = served | set(drops)
    if not nodes:
        return []
    rule = (
        "With externalTrafficPolicy Local a node forwards external traffic only to endpoints on "
        "itself (keeping the client's IP); a node without a ready one drops it."
    )
    if not drops:
        by_node = ready_pods_by_node(route)
        evidence = tuple(
            f"node {node}: {', '.join(sorted(pods))}" for node, pods in sorted(by_node.items())
        )
        return [
            Finding(
                "local-policy-drops",
                "info",
                "externalTrafficPolicy Local: every node has a ready local endpoint",
                evidence,
                rule,
            )
        ]
    evidence = tuple(
        f"node {node} ({', '.join(addresses)}): no ready endpoint on it, drops the traffic"
        for node, addresses in sorted(drops.items())
    )
    title = (
        f"externalTrafficPolicy Local: {len(drops)} of {len(nodes)} nodes have no ready "
        "endpoint and drop external traffic"
    )
    return [
        Finding(
            "local-policy-drops",
            "warning",
            title,
            evidence,
            rule,
            kubectl_patch(service, {"spec": {"externalTrafficPolicy": "Cluster"}}),
        )
    ]


# -- 10. lb-pending -----------------------------------------------------------------------------


def load_balancer_findings(facts: ServiceFacts) -> list[Finding]:
    service = facts.service
    if not service.load_balancer_pending:
        return []
    cls = service.load_balancer_class
    if cls:
        title = f"LoadBalancer <pending>: no controller of loadBalancerClass {cls} has answered"
    else:
        title = "LoadBalancer <pending>: no load-balancer controller has given it an address"
    evidence = ["EXTERNAL-IP <pending>"]
    if cls:
        evidence.append(f"loadBalancerClass {cls}: only a controller of that class answers")
    else:
        evidence.append("outside a cloud, install a load-balancer controller (e.g. MetalLB)")
    node_ports = [str(port.node_port) for port in service.ports if port.node_port]
    if node_ports:
        evidence.append(f"meanwhile it answers on every node's NodePort {', '.join(node_ports)}")
    return [
        Finding(
            "lb-pending",
            "warning",
            title,
            tuple(evidence),
            "A LoadBalancer Service's external address comes from a cloud or load-balancer "
            "controller (MetalLB on a bare cluster); with none it stays <pending>.",
        )
    ]
