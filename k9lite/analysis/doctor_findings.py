"""What the Service doctor reports: findings with their evidence, rule and fix, and what every
check reads from the cluster state, looked up once per Service."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from k9lite.analysis.doctor_labels import Candidate, LabelCheck
from k9lite.model.endpoints import EndpointSlice
from k9lite.model.ingresses import Ingress
from k9lite.model.pods import Pod
from k9lite.model.services import Service
from k9lite.model.state import ClusterState

__all__ = [
    "SEVERITIES",
    "Finding",
    "ServiceFacts",
    "Severity",
    "by_severity",
    "capped",
    "kubectl_json_patch",
    "kubectl_patch",
    "kubectl_scale",
    "selector_patch",
    "worst",
]

Severity = Literal["error", "unknown", "warning", "info"]
"""unknown: a check that could not run, because the user may not read what it needs."""

SEVERITIES: tuple[Severity, ...] = ("error", "unknown", "warning", "info")
"""Worst first."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the doctor found about a Service, with what shows it and what to do."""

    check: str
    """A stable id, e.g. "no-matching-pods", "selects-workload-labels", "lb-pending"."""
    severity: Severity
    title: str
    evidence: tuple[str, ...] = ()
    rule: str = ""
    """The Kubernetes rule behind the finding, in one sentence."""
    fix: str | None = None
    """A copyable kubectl command, where one exists."""
    candidates: tuple[Candidate, ...] = ()
    """Objects near the selector, for a side-by-side label view."""
    port: int | None = None
    """The Service port the finding is about, where it is about one port's targetPort."""


EVIDENCE_LINES = 10
"""At most this many one-per-object lines; the rest are counted."""


def capped(lines: list[str]) -> tuple[str, ...]:
    """`lines`, or their first EVIDENCE_LINES - 1 and a count of the rest."""
    if len(lines) <= EVIDENCE_LINES:
        return tuple(lines)
    return (*lines[: EVIDENCE_LINES - 1], f"and {len(lines) - EVIDENCE_LINES + 1} more")


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The most severe severity among `findings`; None when there are none."""
    found = {finding.severity for finding in findings}
    return next((severity for severity in SEVERITIES if severity in found), None)


def by_severity(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Errors first, then warnings, then info; in check order within each."""
    return tuple(sorted(findings, key=lambda finding: SEVERITIES.index(finding.severity)))


# -- kubectl commands -------------------------------------------------------------------------


def _json(value: Any) -> str:
    # Label keys and values, object names, port names and IPs never hold a quote: in single
    # quotes the command is copyable in any shell.
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def kubectl_patch(service: Service, patch: Mapping[str, Any]) -> str:
    """`kubectl patch service NAME -n NS -p '...'`: a strategic merge patch."""
    meta = service.meta
    return f"kubectl patch service {meta.name} -n {meta.namespace} -p '{_json(patch)}'"


def kubectl_json_patch(
    target: Service | Ingress | EndpointSlice, operations: list[dict[str, Any]]
) -> str:
    """`kubectl patch KIND NAME -n NS --type=json -p '[...]'`: for list items by index."""
    meta = target.meta
    kind = type(target).__name__.lower()  # service, ingress, endpointslice: kubectl's names
    return (
        f"kubectl patch {kind} {meta.name} -n {meta.namespace} --type=json -p '{_json(operations)}'"
    )


def kubectl_scale(kind: str, name: str, namespace: str, replicas: int) -> str:
    return f"kubectl scale {kind.lower()} {name} -n {namespace} --replicas={replicas}"


def selector_patch(checks: Iterable[LabelCheck]) -> dict[str, Any] | None:
    """A merge patch giving the Service the labels `checks` found for its selector keys; keys
    found under another spelling are renamed, missing ones dropped (null). None when nothing
    would be left to select by."""
    selector: dict[str, str | None] = {}
    for check in checks:
        if check.found is None:
            selector[check.key] = None
            continue
        found_key = check.found_key or check.key
        if found_key != check.key:
            selector[check.key] = None
        selector[found_key] = check.found
    if all(value is None for value in selector.values()):
        return None
    return {"spec": {"selector": selector}}


# -- what the checks read ---------------------------------------------------------------------


@dataclass(slots=True)
class ServiceFacts:
    """A Service and the state its checks read: its selected pods, its endpoints."""

    state: ClusterState
    service: Service
    pods: list[Pod] = field(default_factory=list)
    """Pods the selector picks that may serve: not Succeeded or Failed."""
    finished: list[Pod] = field(default_factory=list)
    """Pods the selector picks that finished (Succeeded, Failed): never endpoints."""
    slices: list[EndpointSlice] = field(default_factory=list)
    ready: dict[str, str] = field(default_factory=dict)
    """Ready endpoints: the pod behind one (its address when it names none) -> its address.
    A dual-stack pod has an address in two slices but is one endpoint."""
    addresses: int = 0
    """Endpoint addresses of any condition."""

    @classmethod
    def of(cls, state: ClusterState, service: Service) -> ServiceFacts:
        selected = state.pods_selected_by(service)
        facts = cls(
            state,
            service,
            pods=[pod for pod in selected if pod.phase not in ("Succeeded", "Failed")],
            finished=[pod for pod in selected if pod.phase in ("Succeeded", "Failed")],
            slices=state.endpoint_slices_of(service),
        )
        seen: set[str] = set()
        for endpoint_slice in facts.slices:
            for endpoint in endpoint_slice.endpoints:
                if not endpoint.addresses:
                    continue
                address = endpoint.addresses[0]
                seen.add(address)
                if endpoint.ready:
                    pod = endpoint.target.name if endpoint.target is not None else ""
                    facts.ready.setdefault(pod or address, address)
        facts.addresses = len(seen)
        if not state.loaded("endpointslices") and service.selector:
            # Without slices listed, the ready pods are the best guess at the ready endpoints.
            facts.ready = {pod.meta.name: pod.pod_ip for pod in facts.pods if pod.is_ready}
            facts.addresses = len(facts.pods)
        return facts

    @property
    def namespace(self) -> str:
        return self.service.meta.namespace

    @property
    def selector(self) -> Mapping[str, str]:
        return self.service.selector or {}
