"""Where a Service's selector points: at no pod, at a Deployment's own labels, at pods in
another namespace, or at a workload scaled to zero.

The generic "matches no pod" finding is given only when none of the specific ones explains it,
so that a Service with one mistake gets one error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from k9lite.analysis.doctor_findings import (
    Finding,
    ServiceFacts,
    Severity,
    kubectl_patch,
    kubectl_scale,
    selector_patch,
)
from k9lite.analysis.doctor_labels import Candidate, compare_labels, pairs_text, rank_candidates
from k9lite.model.pods import Pod
from k9lite.model.workloads import Deployment, ReplicaSet

__all__ = ["selection_findings", "workloads"]

CANDIDATES = 5
"""How many near pods and templates a finding shows."""

_MATCHING_RULE = (
    "A Service's endpoints are the pods of its own namespace whose labels carry every "
    "key=value pair of its selector."
)

Workload = Deployment | ReplicaSet


def selection_findings(facts: ServiceFacts) -> list[Finding]:
    """Checks of a Service with a selector: what it points at, when that is not serving pods."""
    findings: list[Finding] = []
    if not facts.pods:
        findings += _workload_labels(facts)
    elsewhere = _other_namespaces(facts)
    zero = _scaled_to_zero(facts)
    explained = bool(findings or zero) or (elsewhere is not None and elsewhere.severity == "error")
    if not facts.pods and not explained:
        findings.append(_no_matching_pods(facts))
    if elsewhere is not None:
        findings.append(elsewhere)
    return findings + zero


def workloads(facts: ServiceFacts) -> list[tuple[str, Workload]]:
    """(kind, object) of the namespace's Deployments and of the ReplicaSets no Deployment here
    owns: a Deployment's ReplicaSets repeat its template (one per revision, old ones at 0)."""
    state, namespace = facts.state, facts.namespace
    found: list[tuple[str, Workload]] = [
        ("Deployment", d) for d in state.objects("deployments", namespace)
    ]
    for replica_set in state.objects("replicasets", namespace):
        owner = replica_set.owner
        if (
            owner is not None
            and owner.kind == "Deployment"
            and state.get("deployments", namespace, owner.name) is not None
        ):
            continue
        found.append(("ReplicaSet", replica_set))
    return found


def _carries(labels: Mapping[str, str], selector: Mapping[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def _pod_names(pods: Iterable[Pod], limit: int = 5) -> str:
    names = sorted(pod.meta.name for pod in pods)
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _described(candidate: Candidate) -> str:
    if candidate.kind == "Pod":
        return f"pod {candidate.name}"
    return f"{candidate.kind} {candidate.name}'s pod template"


# -- 1. no-matching-pods ------------------------------------------------------------------------


def _no_matching_pods(facts: ServiceFacts) -> Finding:
    selector, namespace = facts.selector, facts.namespace
    wanted = pairs_text(selector)
    candidates = _near(facts)
    evidence: list[str] = []
    if facts.finished:
        evidence.append(
            f"finished pods match ({_pod_names(facts.finished)}): finished pods never serve"
        )
    evidence += [f"{_described(c)}: {c.found_text} (wanted {wanted})" for c in candidates]
    if not candidates:
        keys = ", ".join(sorted(selector))
        if not facts.state.objects("pods", namespace):
            evidence.append(f"namespace {namespace} has no pods")
        else:
            evidence.append(f"no pod or pod template in namespace {namespace} has a label {keys}")
    fix = None
    best = candidates[0] if candidates else None
    if best is not None and best.selected and best.kind != "Pod":
        # The selector is right: the workload makes no pods (a quota, an admission webhook...).
        evidence.insert(0, f"{best.kind} {best.name}'s pods would match, but none exist")
        fix = f"kubectl describe {best.kind.lower()} {best.name} -n {namespace}"
    elif best is not None and all(check.found is not None for check in best.checks):
        patch = selector_patch(best.checks)
        fix = kubectl_patch(facts.service, patch) if patch is not None else None
    return Finding(
        "no-matching-pods",
        "error",
        f"the selector {wanted} matches no pod in namespace {namespace}",
        tuple(evidence),
        _MATCHING_RULE,
        fix,
        candidates,
    )


def _near(facts: ServiceFacts) -> tuple[Candidate, ...]:
    """The pods (one per owner: its siblings carry the same labels) and pod templates of the
    namespace that carry at least one selector key, nearest first."""
    labelled: list[tuple[str, str, str, Mapping[str, str]]] = []
    owners: set[str] = set()
    for pod in facts.state.objects("pods", facts.namespace):
        owner = pod.meta.controller
        if owner is not None:
            if owner.uid in owners:
                continue
            owners.add(owner.uid)
        labelled.append(("Pod", pod.meta.namespace, pod.meta.name, pod.meta.labels))
    for kind, workload in workloads(facts):
        meta = workload.meta
        labelled.append((kind, meta.namespace, meta.name, workload.template.labels))
    ranked = rank_candidates(facts.selector, labelled, limit=len(labelled))
    return tuple(candidate for candidate in ranked if candidate.near)[:CANDIDATES]


# -- 2. selects-workload-labels -----------------------------------------------------------------


def _workload_labels(facts: ServiceFacts) -> list[Finding]:
    """The selector matches a workload's own labels but not the labels of its pods (W6)."""
    selector, namespace = facts.selector, facts.namespace
    wanted = pairs_text(selector)
    findings = []
    for kind, workload in workloads(facts):
        name = workload.meta.name
        if not _carries(workload.meta.labels, selector) or _carries(
            workload.template.labels, selector
        ):
            continue
        own = Candidate(
            kind, namespace, name, compare_labels(selector, workload.meta.labels), own=True
        )
        template = Candidate(
            kind, namespace, name, compare_labels(selector, workload.template.labels)
        )
        pods = facts.state.pods_of(workload.meta.uid)
        pod_candidates = tuple(
            Candidate("Pod", namespace, pod.meta.name, compare_labels(selector, pod.meta.labels))
            for pod in pods[:3]
        )
        evidence = [
            f"{wanted} on {kind} {name} (its own metadata labels)",
            f"{template.found_text} on its pods (spec.template.metadata.labels)",
        ]
        evidence += [f"pod {c.name}: {c.found_text}" for c in pod_candidates]
        patch = selector_patch(template.checks)
        findings.append(
            Finding(
                "selects-workload-labels",
                "error",
                f"the selector {wanted} matches {kind} {name}'s own labels, not its pods'",
                tuple(evidence),
                "A Service selects Pods by their labels; "
                f"a {kind}'s own metadata labels are never looked at.",
                kubectl_patch(facts.service, patch) if patch is not None else None,
                (own, template, *pod_candidates),
            )
        )
    return findings


# -- 3. pods-in-other-namespace -----------------------------------------------------------------


def _other_namespaces(facts: ServiceFacts) -> Finding | None:
    selector = facts.service.label_selector
    if selector is None:
        return None
    here = facts.namespace
    away: dict[str, list[Pod]] = {}
    for pod in facts.state.pods_matching(None, selector):
        if pod.meta.namespace != here and pod.phase not in ("Succeeded", "Failed"):
            away.setdefault(pod.meta.namespace, []).append(pod)
    if not away:
        return None
    wanted = pairs_text(facts.selector)
    names = ", ".join(sorted(away))
    plural = "s" if len(away) > 1 else ""
    evidence = tuple(f"namespace {ns}: {_pod_names(pods)}" for ns, pods in sorted(away.items()))
    # With pods of its own the Service works (or fails) on them; the others are a side note.
    if facts.pods or facts.ready:
        severity: Severity = "info"
        title = f"pods matching {wanted} also run in namespace{plural} {names}: never selected"
    else:
        severity = "error"
        title = f"the pods matching {wanted} run in namespace{plural} {names}, not in {here}"
    return Finding(
        "pods-in-other-namespace",
        severity,
        title,
        evidence,
        "A Service only selects pods in its own namespace.",
    )


# -- 4. scaled-to-zero --------------------------------------------------------------------------


def _scaled_to_zero(facts: ServiceFacts) -> list[Finding]:
    selector, namespace = facts.selector, facts.namespace
    findings = []
    for kind, workload in workloads(facts):
        if workload.replicas != 0 or not _carries(workload.template.labels, selector):
            continue
        name = workload.meta.name
        template = compare_labels(selector, workload.template.labels)
        text = ",".join(check.shown for check in template)
        findings.append(
            Finding(
                "scaled-to-zero",
                "warning" if facts.ready else "error",
                f"{kind} {name}, whose pods the selector matches, is scaled to zero",
                (f"{kind} {name}: replicas 0, pod template {text}",),
                "A Service's endpoints are the ready pods it selects; "
                "a workload scaled to zero runs none.",
                kubectl_scale(kind, name, namespace, 1),
                (Candidate(kind, namespace, name, template),),
            )
        )
    return findings
