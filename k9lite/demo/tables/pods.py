"""printPod: the READY, STATUS and RESTARTS a pod shows, and the row conditions of finished pods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from k9lite.demo.tables.cells import Obj, age_cell, lookup, name_cell
from k9lite.demo.tables.durations import human_duration, parse_time

__all__ = ["pod_cells", "pod_row_conditions"]


# Row conditions of finished pods (metav1.RowCompleted), as printPod sets them.
_ROW_CONDITIONS: dict[Any, list[dict[str, str]]] = {
    "Succeeded": [
        {
            "type": "Completed",
            "status": "True",
            "reason": "Succeeded",
            "message": "The pod has completed successfully.",
        }
    ],
    "Failed": [
        {"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}
    ],
}


def _condition_true(conditions: Any, condition_type: str) -> bool:
    """Whether the first condition of a type has status True (Go loops stop at the first)."""
    for condition in conditions or []:
        if condition.get("type") == condition_type:
            return bool(condition.get("status") == "True")
    return False


def _terminated_reason(terminated: Obj, prefix: str) -> str:
    """A terminated container's reason, else `Signal:N` or `ExitCode:N`."""
    if terminated.get("reason"):
        return f"{prefix}{terminated['reason']}"
    if terminated.get("signal"):
        return f"{prefix}Signal:{terminated['signal']}"
    return f"{prefix}ExitCode:{terminated.get('exitCode', 0)}"


@dataclass(slots=True)
class _RestartTally:
    """Restart count and the latest `lastState.terminated.finishedAt` over some containers."""

    count: int = 0
    last: datetime | None = None

    def add(self, status: Obj) -> None:
        self.count += int(status.get("restartCount", 0))
        finished = parse_time(
            lookup(status, "lastState", "terminated", "finishedAt"),
            "lastState.terminated.finishedAt",
        )
        if finished is not None and (self.last is None or finished > self.last):
            self.last = finished


def pod_cells(pod: Obj, now: datetime) -> list[Any]:
    """printPod: READY, STATUS (reason), RESTARTS with the last restart's age, and wide cells."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    # Sidecars are init containers with restartPolicy Always; they count as containers.
    sidecars = {name for name, c in init_specs.items() if c.get("restartPolicy") == "Always"}
    total = len(spec.get("containers") or []) + len(sidecars)
    ready = 0
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    all_restarts, sidecar_restarts = _RestartTally(), _RestartTally()
    initializing = False
    for index, container in enumerate(status.get("initContainerStatuses") or []):
        all_restarts.add(container)
        is_sidecar = container.get("name") in sidecars
        if is_sidecar:
            sidecar_restarts.add(container)
        state = container.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if is_sidecar and container.get("started"):
            ready += 1 if container.get("ready") else 0
            continue
        if terminated is not None:
            reason = _terminated_reason(terminated, "Init:")
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = f"Init:{waiting['reason']}"
        else:
            reason = f"Init:{index}/{len(init_specs)}"
        initializing = True
        break

    restarts = all_restarts
    if not initializing or _condition_true(status.get("conditions"), "Initialized"):
        restarts = sidecar_restarts
        has_running = False
        for container in reversed(status.get("containerStatuses") or []):
            restarts.add(container)
            state = container.get("state") or {}
            terminated, waiting = state.get("terminated"), state.get("waiting")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None:
                reason = _terminated_reason(terminated, "")
            elif container.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        # A pod whose last container completed while another still runs is not Completed.
        if reason == "Completed" and has_running:
            ready_condition = _condition_true(status.get("conditions"), "Ready")
            reason = "Running" if ready_condition else "NotReady"

    if lookup(pod, "metadata", "deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"

    restarts_cell = str(restarts.count)
    if restarts.count and restarts.last is not None:
        restarts_cell += f" ({human_duration(now - restarts.last)} ago)"

    # v1 -> internal conversion: podIP wins over podIPs[0] when both are set.
    pod_ip = status.get("podIP") or lookup((status.get("podIPs") or [{}])[0], "ip") or "<none>"
    gates = spec.get("readinessGates") or []
    gates_cell = "<none>"
    if gates:
        conditions = status.get("conditions") or []
        passed = sum(_condition_true(conditions, gate.get("conditionType", "")) for gate in gates)
        gates_cell = f"{passed}/{len(gates)}"
    return [
        name_cell(pod),
        f"{ready}/{total}",
        reason,
        restarts_cell,
        age_cell(pod, now),
        pod_ip,
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        gates_cell,
    ]


def pod_row_conditions(pod: Obj) -> list[dict[str, str]] | None:
    """The Completed row condition of a finished pod (kubectl hides such rows unless -a)."""
    conditions = _ROW_CONDITIONS.get(lookup(pod, "status", "phase"))
    return None if conditions is None else [dict(condition) for condition in conditions]
