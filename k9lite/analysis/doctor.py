"""The Service doctor: why a Service has no (or too few) working endpoints, and what to do.

`diagnose` runs every check on one Service and returns its findings, errors first. Each finding
carries its evidence (the objects and labels that show it), the Kubernetes rule behind it and,
where one exists, a copyable kubectl command that fixes it. A healthy Service (a selector
matching ready pods that declare its ports) gets no error or warning.

The checks live beside this module, one idea each: `doctor_selection` (where the selector
points), `doctor_pods` (readiness, ports, redundancy of the selected pods), `doctor_no_selector`
(hand-kept endpoints), `doctor_service` (ExternalName, externalTrafficPolicy Local, a pending
load balancer, session affinity), `doctor_ingress` (Ingress routes to the Service, and per
namespace to Services that do not exist); `doctor_labels` holds the key-by-key label comparison.
"""

from __future__ import annotations

from k9lite.analysis.doctor_findings import (
    Finding,
    ServiceFacts,
    Severity,
    by_severity,
    worst,
)
from k9lite.analysis.doctor_ingress import ingress_findings, service_ingress_findings
from k9lite.analysis.doctor_labels import (
    Candidate,
    LabelCheck,
    LabelVerdict,
    compare_labels,
    rank_candidates,
)
from k9lite.analysis.doctor_no_selector import no_selector_findings
from k9lite.analysis.doctor_pods import (
    port_findings,
    readiness_findings,
    redundancy_findings,
)
from k9lite.analysis.doctor_selection import selection_findings
from k9lite.analysis.doctor_service import (
    external_name_finding,
    load_balancer_findings,
    local_policy_findings,
    session_affinity_findings,
)
from k9lite.model.kinds import KindName
from k9lite.model.services import Service
from k9lite.model.state import ClusterState

__all__ = [
    "DOCTOR_KINDS",
    "Candidate",
    "Finding",
    "LabelCheck",
    "LabelVerdict",
    "Severity",
    "compare_labels",
    "diagnose",
    "ingress_findings",
    "rank_candidates",
    "worst",
]

DOCTOR_KINDS: tuple[KindName, ...] = (
    "services",
    "endpointslices",
    "pods",
    "nodes",
    "deployments",
    "replicasets",
    "ingresses",
)
"""What a diagnosis reads: a change to any of them may change it."""


_BLIND_RULE = (
    "A diagnosis sees only what the user may read: without EndpointSlices the endpoints "
    "kube-proxy programs are unknown (the service proxy may still answer)."
)
_BLIND_RULE_ANY = (
    "A diagnosis sees only what the user may read: a check that needs a kind the user may "
    "not list does not run, and is no pass."
)


def blind_spots(state: ClusterState, service: Service) -> list[Finding]:
    """What the diagnosis could not look at: kinds the user may not list. Not allowed to know
    is not "no problem": each is said, with why."""
    blind = [(kind, reason) for kind in DOCTOR_KINDS if (reason := state.unknown(kind))]
    if not blind:
        return []
    kinds = ", ".join(kind for kind, _ in blind)
    namespace = service.meta.namespace
    return [
        Finding(
            check="could-not-check",
            severity="unknown",
            title=f"could not check what needs {kinds}: the user may not list them",
            evidence=tuple(reason for _, reason in blind),
            rule=_BLIND_RULE if "endpointslices" in dict(blind) else _BLIND_RULE_ANY,
            fix=f"kubectl auth can-i list {blind[0][0]} -n {namespace}",
        )
    ]


def diagnose(state: ClusterState, service: Service) -> tuple[Finding, ...]:
    """Every finding about `service` in `state`: errors first, then warnings, then info."""
    if service.type == "ExternalName":
        # A DNS alias: the selector, if any, is ignored and no endpoints are made.
        return (external_name_finding(service),)
    facts = ServiceFacts.of(state, service)
    findings: list[Finding] = [*blind_spots(state, service)]
    # Until a kind is listed, "none of them" would be a lie: its checks wait.
    if service.selector is None:
        if state.loaded("endpointslices"):
            findings += no_selector_findings(facts)
    elif state.loaded("pods"):
        findings += selection_findings(facts)
        findings += readiness_findings(facts)
        findings += port_findings(facts)
    findings += local_policy_findings(facts)
    findings += load_balancer_findings(facts)
    findings += session_affinity_findings(facts)
    if state.loaded("ingresses"):
        findings += service_ingress_findings(facts)
    if service.selector is not None:
        # Hand-kept endpoints (the API server's own, an external database) are not scaled.
        findings += redundancy_findings(facts)
    return by_severity(findings)
