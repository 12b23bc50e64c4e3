"""The Service's own shape: ExternalName, externalTrafficPolicy Local, a LoadBalancer still
waiting for its address, and sessionAffinity ClientIP."""

from __future__ import annotations

from k9lite.analysis.doctor_findings import Finding, ServiceFacts, kubectl_patch
from k9lite.analysis.route_types import dns_name
from k9lite.analysis.routes import build_route, ready_pods_by_node
from k9lite.model.services import Service

__all__ = [
    "external_name_finding",
    "load_balancer_findings",
    "local_policy_findings",
    "session_affinity_findings",
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


# -- 12. session-affinity -----------------------------------------------------------------------

CLIENT_IP_TIMEOUT = 10800
"""sessionAffinityConfig.clientIP.timeoutSeconds when unset: 3 hours."""


def session_affinity_findings(facts: ServiceFacts) -> list[Finding]:
    service = facts.service
    if service.session_affinity != "ClientIP":
        return []
    timeout = service.session_affinity_timeout or CLIENT_IP_TIMEOUT
    # The API server fills the default in: the number, not its absence, tells it.
    said = " (the default)" if timeout == CLIENT_IP_TIMEOUT else ""
    evidence = [
        f"sessionAffinityConfig.clientIP.timeoutSeconds: {timeout}{said}",
        "a client IP keeps the pod it first reached until it sends nothing for that long",
        "through kube-proxy only (ClusterIP, NodePort, LoadBalancer): the API server's service "
        "proxy (kubectl proxy, k9lite probe) picks a pod per request",
    ]
    if len(facts.ready) > 1:
        evidence.append(
            f"{len(facts.ready)} ready endpoints: clients behind one NAT all land on one of them"
        )
    return [
        Finding(
            "session-affinity",
            "info",
            f"sessionAffinity ClientIP: each client IP sticks to one pod (timeout {timeout} s)",
            tuple(evidence),
            "With sessionAffinity ClientIP kube-proxy sends every connection from one client "
            "IP to the same endpoint until the affinity times out.",
            kubectl_patch(service, {"spec": {"sessionAffinity": "None"}}),
        )
    ]
