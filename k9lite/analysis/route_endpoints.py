"""The last stage of a route: the endpoints of one Service port, and the pods that should be.

Endpoints come from the Service's EndpointSlices, which is what kube-proxy programs; pods the
selector picks that are not endpoints of the port are drawn too, with the reason (no IP yet, no
containerPort of the named targetPort).
"""

from __future__ import annotations

from collections.abc import Sequence

from k9lite.analysis.route_types import (
    INSIDE,
    POD_NETWORK,
    Health,
    HopId,
    RouteHop,
    RouteStage,
    join_host_port,
)
from k9lite.model.endpoints import EndpointSlice
from k9lite.model.pods import Pod
from k9lite.model.services import Service, ServicePort
from k9lite.model.state import ClusterState

__all__ = ["endpoints_stage"]

_HEALTH_ORDER = {"ok": 0, "idle": 1, "pending": 2, "unknown": 3, "broken": 4, "drops": 5}


def endpoints_stage(
    state: ClusterState,
    service: Service,
    slices: Sequence[EndpointSlice],
    pods: Sequence[Pod],
    port: ServicePort | None,
) -> RouteStage:
    """The endpoints of `port` in `slices`, then the selected `pods` that are not among them."""
    unknown = state.unknown("endpointslices")
    if unknown is not None:
        return _unknown_endpoints(pods, port)
    hops: dict[HopId, RouteHop] = {}
    for endpoint_slice in slices:
        number = _slice_port(endpoint_slice, port)
        if number is None and port is not None:
            continue
        for endpoint in endpoint_slice.endpoints:
            if not endpoint.addresses:
                continue
            address = endpoint.addresses[0]
            shown = join_host_port(address, number) if number is not None else address
            key = HopId("endpoint", shown)
            pod_name = endpoint.target.name if endpoint.target else ""
            where = endpoint.node_name or _node_of(state, service, pod_name)
            health: Health = "ok" if endpoint.ready else "idle"
            note = "ready"
            serving = endpoint.terminating and endpoint.serving
            if serving:
                note = "terminating: serves only while no pod is ready"
            elif endpoint.terminating:
                note = "terminating: receives no new connections"
            elif not endpoint.ready:
                note = "not ready: receives nothing"
            hop = RouteHop(key, shown, pod_name, where, health, note, serving=serving)
            hops.setdefault(key, hop)
    named = {hop.name for hop in hops.values()}
    for pod in pods:
        if pod.meta.name not in named and pod.phase not in ("Succeeded", "Failed"):
            missing = _missing(pod, port)
            hops[missing.key] = missing
    ready = sum(1 for hop in hops.values() if hop.health == "ok")
    others = len(hops) - ready
    title = f"endpoints: {ready} ready" + (f", {others} not" if others else "")
    return RouteStage(
        "endpoints",
        title if hops else "endpoints: none",
        POD_NETWORK,
        INSIDE + " (pod IPs)",
        tuple(sorted(hops.values(), key=_endpoint_order)),
        note="" if hops else _no_endpoints_note(service),
    )


def _unknown_endpoints(pods: Sequence[Pod], port: ServicePort | None) -> RouteStage:
    """EndpointSlices the user may not list: the selected pods, each an endpoint or not, unknown.

    Not allowed to know is not none: nothing is drawn as missing or broken for it.
    """
    target = port.target_port if port is not None else ""
    hops = tuple(
        RouteHop(
            HopId("pod", pod.meta.name),
            join_host_port(pod.pod_ip or "<no IP>", target),
            pod.meta.name,
            pod.node_name,
            "unknown",
            "selected; whether it is an endpoint is unknown",
        )
        for pod in sorted(pods, key=lambda p: (p.node_name, p.meta.name))
    )
    return RouteStage(
        "endpoints",
        "endpoints: unknown",
        POD_NETWORK,
        INSIDE + " (pod IPs)",
        hops,
        note="unknown: may not list endpointslices; the selected pods are shown",
    )


def _node_of(state: ClusterState, service: Service, pod_name: str) -> str:
    if not pod_name:
        return ""
    pod = state.get("pods", service.meta.namespace, pod_name)
    return pod.node_name if pod is not None else ""


def _no_endpoints_note(service: Service) -> str:
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
    key, name, node = HopId("pod", pod.meta.name), pod.meta.name, pod.node_name
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


def _endpoint_order(hop: RouteHop) -> tuple[int, str, str]:
    return (_HEALTH_ORDER[hop.health], hop.where, hop.name or hop.address)
