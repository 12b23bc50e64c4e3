"""The pods a Service selects: whether they are ready, whether they declare its targetPorts, and
whether there is more than one to fail over to."""

from __future__ import annotations

from collections.abc import Iterable

from k9lite.analysis.doctor_findings import (
    Finding,
    ServiceFacts,
    Severity,
    capped,
    kubectl_json_patch,
    kubectl_scale,
)
from k9lite.model.pods import (
    ContainerPort,
    ContainerStatus,
    ContainerTerminated,
    ContainerWaiting,
    Pod,
)
from k9lite.model.services import ServicePort

__all__ = ["not_ready_reason", "port_findings", "readiness_findings", "redundancy_findings"]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


# -- 5. pods-not-ready --------------------------------------------------------------------------


def _serving(pod: Pod) -> bool:
    # A terminating pod leaves the ready endpoints even while its Ready condition is still True.
    return pod.is_ready and pod.meta.deletion_timestamp is None


def _crash_looping(pod: Pod) -> ContainerStatus | None:
    """The first container (init containers first) the kubelet restarts in CrashLoopBackOff."""
    statuses = (*pod.init_container_statuses, *pod.container_statuses)
    return next(
        (
            status
            for status in statuses
            if isinstance(status.state, ContainerWaiting)
            and status.state.reason == "CrashLoopBackOff"
        ),
        None,
    )


def not_ready_reason(pod: Pod) -> str:
    """Why a pod is not among the ready endpoints, in kubectl's words where it has some."""
    if pod.meta.deletion_timestamp is not None:
        return "Terminating: it gets no new connections"
    scheduled = pod.condition("PodScheduled")
    if pod.phase == "Pending" and scheduled is not None and scheduled.status == "False":
        why = ": ".join(text for text in (scheduled.reason, scheduled.message) if text)
        return "Pending, not scheduled" + (f" ({why})" if why else "")
    crashing = _crash_looping(pod)
    if crashing is not None:
        text = (
            f"CrashLoopBackOff: container {crashing.name} "
            f"restarted {_plural(crashing.restart_count, 'time')}"
        )
        last = crashing.last_terminated
        if last is not None:
            text += f", last exit: {last.reason or 'Error'} (exit code {last.exit_code})"
        return text
    for status in (*pod.init_container_statuses, *pod.container_statuses):
        state = status.state
        if isinstance(state, ContainerWaiting) and state.reason:
            message = f": {state.message}" if state.message else ""
            return f"{pod.phase or 'Pending'}: container {status.name} {state.reason}{message}"
    if pod.phase == "Pending":
        return f"Pending: {pod.status}" if pod.status != "Pending" else "Pending"
    for status in pod.container_statuses:
        state = status.state
        if isinstance(state, ContainerTerminated) and not status.ready:
            reason = state.reason or f"exit code {state.exit_code}"
            return f"{pod.status}: container {status.name} terminated ({reason})"
    if pod.phase == "Running":
        unready = [s.name for s in pod.container_statuses if not s.ready]
        which = f" (container {', '.join(unready)})" if unready else ""
        return f"Running but not ready: its readiness probe fails{which}"
    return pod.status or "not ready"


def readiness_findings(facts: ServiceFacts) -> list[Finding]:
    pods = facts.pods
    waiting = [pod for pod in pods if not _serving(pod)]
    if not waiting:
        return []
    ready = len(pods) - len(waiting)
    severity: Severity
    if ready == 0:
        severity = "error"
        title = (
            "the only pod the selector matches is not ready"
            if len(pods) == 1
            else f"none of the {len(pods)} pods the selector matches is ready"
        )
    else:
        severity = "warning"
        title = f"{len(waiting)} of {len(pods)} pods the selector matches are not ready"
    first = waiting[0]
    # A crashing container's previous run logged why; a terminating pod is going anyway.
    crashing = _crash_looping(first) if first.meta.deletion_timestamp is None else None
    namespace = facts.namespace
    fix = f"kubectl describe pod {first.meta.name} -n {namespace}"
    if crashing is not None:
        # kubectl logs reads the first app container unless told: an init container, or a
        # second one, is named.
        default = first.containers[0].name if first.containers else None
        which = "" if crashing.name == default else f" -c {crashing.name}"
        fix = f"kubectl logs {first.meta.name} -n {namespace}{which} --previous"
    return [
        Finding(
            "pods-not-ready",
            severity,
            title,
            capped([f"pod {pod.meta.name}: {not_ready_reason(pod)}" for pod in waiting]),
            "Only ready pods receive a Service's traffic: a pod is an endpoint while its "
            "Ready condition is True and it is not terminating.",
            fix,
        )
    ]


# -- 6. named-port-undeclared, numeric-port-undeclared ------------------------------------------


def _declared(pod: Pod) -> list[ContainerPort]:
    return [port for container in pod.containers for port in container.ports]


def _port_text(port: ContainerPort) -> str:
    number = f"{port.container_port}/{port.protocol}"
    return f"{port.name} ({number})" if port.name else number


def _service_port_text(port: ServicePort) -> str:
    return f"port {port.name or port.port}"


def _retarget(facts: ServiceFacts, index: int, pods: Iterable[Pod], protocol: str) -> str | None:
    """A JSON patch of the Service port's targetPort to the one port these pods all declare."""
    declared = {
        (port.name, port.container_port)
        for pod in pods
        for port in _declared(pod)
        if port.protocol == protocol
    }
    if len(declared) != 1:
        return None
    ((name, number),) = declared
    value: int | str = name or number
    path = f"/spec/ports/{index}/targetPort"
    return kubectl_json_patch(facts.service, [{"op": "replace", "path": path, "value": value}])


def port_findings(facts: ServiceFacts) -> list[Finding]:
    findings: list[Finding] = []
    if not facts.pods:
        return findings
    for index, port in enumerate(facts.service.ports):
        if isinstance(port.target_port, str):
            found = _named_port(facts, index, port, port.target_port)
        else:
            found = _numeric_port(facts, index, port, port.target_port)
        if found is not None:
            findings.append(found)
    return findings


def _named_port(facts: ServiceFacts, index: int, port: ServicePort, target: str) -> Finding | None:
    def declares(pod: Pod) -> bool:
        return any(p.name == target and p.protocol == port.protocol for p in _declared(pod))

    lacking = [pod for pod in facts.pods if not declares(pod)]
    if not lacking:
        return None
    # Pods of one workload declare the same ports: one line per set of declared ports.
    by_ports: dict[str, list[str]] = {}
    for pod in lacking:
        named = [_port_text(p) for p in _declared(pod) if p.name]
        key = f"declares {', '.join(named)}" if named else "declares no named port"
        by_ports.setdefault(key, []).append(pod.meta.name)
    evidence = [
        f"pod{'s' if len(names) > 1 else ''} {', '.join(names)}: {declared}"
        for declared, names in by_ports.items()
    ]
    where = _service_port_text(port)
    severity: Severity
    if len(lacking) == len(facts.pods):
        severity = "error"
        title = f"{where}: targetPort {target} names no containerPort of the selected pods"
    else:
        severity = "warning"
        title = (
            f"{where}: {len(lacking)} of {_plural(len(facts.pods), 'selected pod')} "
            f"declare no containerPort named {target}"
        )
    return Finding(
        "named-port-undeclared",
        severity,
        title,
        capped(evidence),
        "A named targetPort is looked up by name (and protocol) in each pod's containerPorts; "
        "a pod without it gets none of that port's traffic.",
        _retarget(facts, index, lacking, port.protocol),
    )


def _numeric_port(
    facts: ServiceFacts, index: int, port: ServicePort, target: int
) -> Finding | None:
    declared = {(p.container_port, p.protocol): p for pod in facts.pods for p in _declared(pod)}
    if not declared:
        return _unverified(facts, port, target)
    if (target, port.protocol) in declared:
        return None
    shown = ", ".join(_port_text(p) for _, p in sorted(declared.items()))
    return Finding(
        "numeric-port-undeclared",
        "warning",
        f"{_service_port_text(port)}: targetPort {target} is not a containerPort "
        "the selected pods declare",
        (f"the pods declare {shown}", f"the Service sends {port.protocol} to port {target}"),
        "targetPort must be the port the container listens on (port 80 -> targetPort 4000 "
        "needs a container listening on 4000); declared containerPorts are only a hint.",
        _retarget(facts, index, facts.pods, port.protocol),
        port=port.port,
    )


def _unverified(facts: ServiceFacts, port: ServicePort, target: int) -> Finding:
    # Declaring containerPorts is optional: with none declared there is nothing to compare, and
    # only a request to the port (the active check) shows whether something listens.
    names = [pod.meta.name for pod in facts.pods]
    return Finding(
        "numeric-port-unverified",
        "info",
        f"{_service_port_text(port)} -> targetPort {target}: the pods declare no containerPort; "
        f"nothing confirms a container listens on {target}",
        (
            f"pod{'s' if len(names) > 1 else ''} {', '.join(capped(names))}: "
            "no container declares a port",
            f"the Service sends {port.protocol} to port {target}",
        ),
        "kube-proxy sends to targetPort whether or not a container declares it (containerPorts "
        "are only a hint): a port nothing listens on refuses every connection.",
        port=port.port,
    )


# -- 11. single-endpoint ------------------------------------------------------------------------


def redundancy_findings(facts: ServiceFacts) -> list[Finding]:
    if len(facts.ready) != 1:
        return []
    ((who, address),) = facts.ready.items()
    pod = facts.state.get("pods", facts.namespace, who)
    where = f" on node {pod.node_name}" if pod is not None and pod.node_name else ""
    shown = f"pod {who} ({address}){where}" if who != address else address
    owner = _scalable_owner(facts, pod)
    evidence = [f"the one ready endpoint: {shown}"]
    fix = None
    if owner is not None:
        kind, name = owner
        evidence.append(f"its pods come from {kind} {name}")
        fix = kubectl_scale(kind, name, facts.namespace, 2)
    return [
        Finding(
            "single-endpoint",
            "warning",
            f"only one ready endpoint ({who}): no redundancy",
            tuple(evidence),
            "A Service spreads connections over its ready endpoints; with only one, a restart, "
            "a failing probe or a lost node takes the Service down.",
            fix,
        )
    ]


def _scalable_owner(facts: ServiceFacts, pod: Pod | None) -> tuple[str, str] | None:
    """(kind, name) to scale for more pods like this one: pod -> ReplicaSet -> Deployment."""
    owner = pod.meta.controller if pod is not None else None
    if owner is None:
        return None
    if owner.kind == "StatefulSet":
        return ("StatefulSet", owner.name)
    if owner.kind != "ReplicaSet":
        return None
    replica_set = facts.state.get("replicasets", facts.namespace, owner.name)
    parent = replica_set.owner if replica_set is not None else None
    if parent is not None and parent.kind == "Deployment":
        return ("Deployment", parent.name)
    # A ReplicaSet no Deployment owns is scaled itself; one whose owner is unknown is not.
    return ("ReplicaSet", owner.name) if replica_set is not None and parent is None else None
