"""A Service without a selector: who keeps its endpoints, whether it has any, and whether they
still point at the pods they name.

Nothing updates hand-kept endpoints when pods move: an endpoint keeps a deleted pod's address,
or a recreated pod's old one, until whoever made it changes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k9lite.analysis.doctor_findings import Finding, ServiceFacts, capped, kubectl_json_patch
from k9lite.model.endpoints import SERVICE_NAME_LABEL, EndpointSlice
from k9lite.model.pods import Pod
from k9lite.model.services import Service

__all__ = ["MANAGED_BY_LABEL", "no_selector_findings"]

MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"

_KEEPERS = {
    "endpointslicemirroring-controller.k8s.io": (
        "by the EndpointSlice mirroring controller, from its Endpoints object"
    ),
    # The selector controller only keeps slices of Services with a selector: these are left over.
    "endpointslice-controller.k8s.io": "by the EndpointSlice controller (left from a selector)",
}


def _keeper(service: Service, slices: list[EndpointSlice]) -> str:
    """Who keeps a selectorless Service's endpoints, as their managed-by label tells."""
    managers = sorted(
        {s.meta.labels[MANAGED_BY_LABEL] for s in slices if MANAGED_BY_LABEL in s.meta.labels}
    )
    if managers:
        return " and ".join(_KEEPERS.get(manager, f"by {manager}") for manager in managers)
    if _api_server(service):
        return "by the API server itself (its own addresses)"
    return "by hand"


def _api_server(service: Service) -> bool:
    return service.meta.key == ("default", "kubernetes")


# -- 7. no-selector-manual, no-selector-no-endpoints, no-selector-stale -------------------------


def no_selector_findings(facts: ServiceFacts) -> list[Finding]:
    service = facts.service
    name = service.meta.name
    with_endpoints = [s for s in facts.slices if any(e.addresses for e in s.endpoints)]
    rule = (
        "A Service without a selector gets no endpoints from pods: whoever made it keeps its "
        f"EndpointSlices (labelled {SERVICE_NAME_LABEL}={name}) up to date."
    )
    if not with_endpoints:
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
    evidence = []
    for endpoint_slice in with_endpoints:
        addresses = [e.addresses[0] for e in endpoint_slice.endpoints if e.addresses]
        ready = sum(1 for e in endpoint_slice.endpoints if e.addresses and e.ready)
        evidence.append(
            f"EndpointSlice {endpoint_slice.meta.name}: {', '.join(addresses)} ({ready} ready)"
        )
    findings = []
    # The API server's own addresses are its hosts': no pod, nothing to compare.
    if facts.state.loaded("pods") and not _api_server(service):
        traced = _trace(facts, with_endpoints)
        evidence += traced.bare
        if traced.stale:
            findings.append(_stale(facts, traced))
    findings.append(
        Finding(
            "no-selector-manual",
            "info",
            f"no selector: its endpoints are kept {_keeper(service, with_endpoints)}",
            capped(evidence),
            rule,
        )
    )
    return findings


@dataclass(slots=True)
class _Traced:
    """The hand-kept endpoints compared with the pods of the cluster."""

    stale: list[str] = field(default_factory=list)
    """One line per endpoint whose targetRef pod is gone or has another IP now."""
    moved: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    """Slice name -> (endpoint index, the pod's IP now) of the endpoints whose pod moved."""
    bare: list[str] = field(default_factory=list)
    """One line per endpoint without targetRef: a pod's address, or none."""
    total: int = 0


def _ips(pod: Pod) -> tuple[str, ...]:
    return pod.pod_ips or ((pod.pod_ip,) if pod.pod_ip else ())


def _trace(facts: ServiceFacts, slices: list[EndpointSlice]) -> _Traced:
    state, namespace = facts.state, facts.namespace
    # Finished pods keep their IP in status, but it may already be another pod's.
    by_ip = {
        ip: pod
        for pod in state.objects("pods")
        if pod.phase not in ("Succeeded", "Failed")
        for ip in _ips(pod)
    }
    traced = _Traced()
    for endpoint_slice in slices:
        for index, endpoint in enumerate(endpoint_slice.endpoints):
            if not endpoint.addresses:
                continue
            traced.total += 1
            address, target = endpoint.addresses[0], endpoint.target
            if target is None:
                pod = by_ip.get(address)
                traced.bare.append(
                    f"{address}: the address of pod {pod.meta.namespace}/{pod.meta.name} "
                    "(no targetRef: nothing follows it)"
                    if pod is not None
                    else f"{address}: not a pod's address (outside the cluster?)"
                )
            elif target.kind == "Pod":
                pod = state.get("pods", target.namespace or namespace, target.name)
                line = _moved_or_gone(f"{address} -> pod {target.name}", address, pod)
                if line is not None:
                    traced.stale.append(line)
                    if pod is not None and pod.pod_ip:
                        moves = traced.moved.setdefault(endpoint_slice.meta.name, [])
                        moves.append((index, pod.pod_ip))
    return traced


def _moved_or_gone(named: str, address: str, pod: Pod | None) -> str | None:
    """Why the endpoint `named` no longer reaches the pod its targetRef names; None if it does."""
    if pod is None:
        return f"{named}: no such pod any more"
    if address in _ips(pod):
        return None
    if not pod.pod_ip:
        return f"{named}: the pod has no IP now ({pod.status})"
    return f"{named}: the pod's IP is now {pod.pod_ip}"


def _stale(facts: ServiceFacts, traced: _Traced) -> Finding:
    count = len(traced.stale)
    return Finding(
        "no-selector-stale",
        "error",
        f"no selector: {count} of {traced.total} hand-kept endpoints point at pods that moved "
        "or are gone",
        capped(traced.stale),
        "Nothing updates hand-kept endpoints when pods move: whoever keeps the EndpointSlice "
        "must change it, or the Service gets a selector and its endpoints follow the pods.",
        _readdress(facts, traced),
    )


def _readdress(facts: ServiceFacts, traced: _Traced) -> str | None:
    """A json patch of the slice's addresses to the pods' IPs now, when that is the whole fix:
    the stale endpoints all name pods that moved, in one slice kept by hand. A controller's slice
    (the mirroring controller, an operator) would be rewritten by it; for a pod that is gone,
    which pod takes its place is the keeper's call."""
    moves = sum(len(found) for found in traced.moved.values())
    if len(traced.moved) != 1 or moves != len(traced.stale):
        return None
    ((name, found),) = traced.moved.items()
    endpoint_slice = next(s for s in facts.slices if s.meta.name == name)
    if MANAGED_BY_LABEL in endpoint_slice.meta.labels:
        return None
    operations = [
        {"op": "replace", "path": f"/endpoints/{index}/addresses/0", "value": ip}
        for index, ip in found
    ]
    return kubectl_json_patch(endpoint_slice, operations)
