"""A Deployment's status as its controller writes it (sync.go calculateStatus, progress.go).

`kubectl rollout status` reads observedGeneration, updatedReplicas, availableReplicas and the
Progressing condition, whose reason says how the rollout stands.
"""

from __future__ import annotations

from typing import Any

from k9lite.demo.controllers.rollout_bounds import max_unavailable
from k9lite.demo.timestamps import now_rfc3339

__all__ = ["deployment_status", "paused_status"]

_PROGRESSING = "Progressing"
_COMPLETE = "NewReplicaSetAvailable"
_PAUSED = "DeploymentPaused"


def _set_condition(
    conditions: list[dict[str, Any]], type_: str, status: str, reason: str, message: str
) -> list[dict[str, Any]]:
    """SetDeploymentCondition: unchanged if status and reason are; else moved to the end, its
    transition time kept while the status stays."""
    before = next((c for c in conditions if c["type"] == type_), None)
    if before is not None and before["status"] == status and before["reason"] == reason:
        return conditions
    stamp = now_rfc3339()
    kept = before is not None and before["status"] == status
    condition = {
        "type": type_,
        "status": status,
        "lastUpdateTime": stamp,
        "lastTransitionTime": before["lastTransitionTime"] if kept and before else stamp,
        "reason": reason,
        "message": message,
    }
    return [*(c for c in conditions if c["type"] != type_), condition]


def _progressing(deploy: dict[str, Any]) -> dict[str, Any] | None:
    conditions = deploy.get("status", {}).get("conditions", ())
    return next((c for c in conditions if c["type"] == _PROGRESSING), None)


def paused_status(deploy: dict[str, Any]) -> dict[str, Any] | None:
    """checkPausedConditions: the status saying the Deployment was paused or resumed, if new."""
    current = _progressing(deploy)
    if current is not None and current["reason"] == "ProgressDeadlineExceeded":
        return None
    paused = bool(deploy["spec"].get("paused"))
    was_paused = current is not None and current["reason"] == _PAUSED
    if paused == was_paused:
        return None
    status = deploy.get("status", {})
    reason, message = (
        (_PAUSED, "Deployment is paused")
        if paused
        else ("DeploymentResumed", "Deployment is resumed")
    )
    conditions = _set_condition(
        list(status.get("conditions", ())), _PROGRESSING, "Unknown", reason, message
    )
    return {**status, "conditions": conditions}


def _count(sets: list[dict[str, Any]], field: str) -> int:
    return sum(int(rs.get("status", {}).get(field, 0)) for rs in sets)


def deployment_status(
    deploy: dict[str, Any],
    sets: list[dict[str, Any]],
    new: dict[str, Any] | None,
    *,
    progress: bool,
) -> dict[str, Any]:
    """calculateStatus, and with `progress` syncRolloutStatus's Progressing condition."""
    spec = deploy["spec"]
    desired = spec.get("replicas", 1)
    generation = deploy["metadata"].get("generation", 1)
    available = _count(sets, "availableReplicas")
    counts = {
        "replicas": _count(sets, "replicas"),
        "updatedReplicas": _count([new] if new else [], "replicas"),
        "readyReplicas": _count(sets, "readyReplicas"),
        "availableReplicas": available,
        "unavailableReplicas": max(
            0, sum(int(rs["spec"].get("replicas", 0)) for rs in sets) - available
        ),
    }
    conditions = list(deploy.get("status", {}).get("conditions", ()))
    if available >= desired - max_unavailable(spec):
        conditions = _set_condition(
            conditions,
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
        )
    else:
        conditions = _set_condition(
            conditions,
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
        )
    if progress:
        conditions = _progress(deploy, counts, new, conditions)
    return {
        "observedGeneration": generation,
        **{k: v for k, v in counts.items() if v},
        "conditions": conditions,
    }


def _progress(
    deploy: dict[str, Any],
    counts: dict[str, int],
    new: dict[str, Any] | None,
    conditions: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """syncRolloutStatus: NewReplicaSetAvailable once complete, ReplicaSetUpdated on progress."""
    if deploy["spec"].get("progressDeadlineSeconds") is None:
        return [c for c in conditions if c["type"] != _PROGRESSING]
    current = _progressing(deploy)
    if (
        counts["replicas"] == counts["updatedReplicas"]
        and current is not None
        and current["reason"] == _COMPLETE
    ):
        return conditions
    desired = deploy["spec"].get("replicas", 1)
    name = (
        f'ReplicaSet "{new["metadata"]["name"]}"'
        if new
        else f'Deployment "{deploy["metadata"]["name"]}"'
    )
    if counts["updatedReplicas"] == counts["replicas"] == counts["availableReplicas"] == desired:
        return _set_condition(
            conditions, _PROGRESSING, "True", _COMPLETE, f"{name} has successfully progressed."
        )
    before = deploy.get("status", {})
    moved = (
        counts["updatedReplicas"] > before.get("updatedReplicas", 0)
        or counts["replicas"] - counts["updatedReplicas"]
        < before.get("replicas", 0) - before.get("updatedReplicas", 0)
        or counts["readyReplicas"] > before.get("readyReplicas", 0)
        or counts["availableReplicas"] > before.get("availableReplicas", 0)
    )
    if moved or current is None:
        # The Progressing condition is updated on every step, its transition time kept.
        stamp = now_rfc3339()
        kept = current is not None and current["status"] == "True"
        return [
            *(c for c in conditions if c["type"] != _PROGRESSING),
            {
                "type": _PROGRESSING,
                "status": "True",
                "lastUpdateTime": stamp,
                "lastTransitionTime": current["lastTransitionTime"] if kept and current else stamp,
                "reason": "ReplicaSetUpdated",
                "message": f"{name} is progressing.",
            },
        ]
    return conditions
