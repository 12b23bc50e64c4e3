"""The Deployment controller: rolls a Deployment's template out through its ReplicaSets."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from k9lite.demo.controllers.base import Controller, Key, owner_key
from k9lite.demo.controllers.workload_objects import (
    HASH_LABEL,
    REVISION,
    controlled,
    pod_template_hash,
    replica_set_for,
)
from k9lite.demo.registry import now_rfc3339, resource
from k9lite.demo.store import StoreEvent, clone

__all__ = ["DeploymentController"]

_COMPONENT = "deployment-controller"


def _percent_or_count(value: Any, total: int, *, round_up: bool) -> int:
    if isinstance(value, str) and value.endswith("%"):
        exact = int(value[:-1]) * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(value or 0)


class DeploymentController(Controller):
    """Rolls a Deployment's template out through ReplicaSets, keeping the surge and availability."""

    name = _COMPONENT
    kinds = ("Deployment", "ReplicaSet")

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        if event.resource.kind == "ReplicaSet":
            key = owner_key(event.obj, "Deployment")
            return (key,) if key else ()
        return super().keys_for(event)

    def resync(self) -> Iterable[Key]:
        return [
            (o["metadata"]["namespace"], o["metadata"]["name"])
            for o in self.store.iter(resource("Deployment"))
        ]

    def reconcile(self, key: Key) -> float | None:
        deploy = self.store.find(resource("Deployment"), *key)
        if deploy is None or deploy["metadata"].get("deletionTimestamp"):
            return None
        spec = deploy["spec"]
        desired = spec.get("replicas", 1)
        sets = controlled(self.store, resource("ReplicaSet"), deploy)
        template_hash = pod_template_hash(spec["template"])
        current = next(
            (
                rs
                for rs in sets
                if rs["metadata"].get("labels", {}).get(HASH_LABEL) == template_hash
            ),
            None,
        )
        if current is None:
            current = self._create_replica_set(deploy, sets, template_hash)
        old = [rs for rs in sets if rs is not current]
        strategy = spec.get("strategy", {})
        if strategy.get("type") == "Recreate":
            self._recreate(deploy, current, old, desired)
        else:
            self._roll(deploy, current, old, desired, strategy.get("rollingUpdate", {}))
        self._prune_history(deploy, old)
        self._write_status(deploy)
        return None

    def _create_replica_set(
        self, deploy: dict[str, Any], sets: list[dict[str, Any]], template_hash: str
    ) -> dict[str, Any]:
        revision = 1 + max(
            (int(rs["metadata"].get("annotations", {}).get(REVISION, 0)) for rs in sets), default=0
        )
        rs = replica_set_for(deploy, template_hash, revision=revision, replicas=0)
        return self.registry.create(resource("ReplicaSet"), deploy["metadata"]["namespace"], rs)

    def _scale(self, deploy: dict[str, Any], rs: dict[str, Any], replicas: int) -> None:
        before = rs["spec"].get("replicas", 0)
        if before == replicas:
            return
        new = clone(rs)
        new["spec"]["replicas"] = replicas
        annotations = new["metadata"].setdefault("annotations", {})
        annotations["deployment.kubernetes.io/desired-replicas"] = str(
            deploy["spec"].get("replicas", 1)
        )
        self.store.replace(resource("ReplicaSet"), new)
        direction = "up" if replicas > before else "down"
        self.recorder.record(
            deploy,
            "ScalingReplicaSet",
            f"Scaled {direction} replica set {rs['metadata']['name']} from {before} to {replicas}",
            component=_COMPONENT,
        )

    def _recreate(
        self,
        deploy: dict[str, Any],
        current: dict[str, Any],
        old: list[dict[str, Any]],
        desired: int,
    ) -> None:
        for rs in old:
            self._scale(deploy, rs, 0)
        if all(rs.get("status", {}).get("replicas", 0) == 0 for rs in old):
            self._scale(deploy, current, desired)

    def _roll(
        self,
        deploy: dict[str, Any],
        current: dict[str, Any],
        old: list[dict[str, Any]],
        desired: int,
        rolling: dict[str, Any],
    ) -> None:
        old_total = sum(rs["spec"].get("replicas", 0) for rs in old)
        if old_total == 0:
            self._scale(deploy, current, desired)
            return
        surge = _percent_or_count(rolling.get("maxSurge", "25%"), desired, round_up=True)
        unavailable = _percent_or_count(
            rolling.get("maxUnavailable", "25%"), desired, round_up=False
        )
        if surge == 0 and unavailable == 0:
            unavailable = 1
        # Scale the new ReplicaSet up within the surge...
        room = desired + surge - old_total - current["spec"].get("replicas", 0)
        if room > 0:
            self._scale(deploy, current, min(desired, current["spec"].get("replicas", 0) + room))
        # ...and the old ones down as far as availability allows.
        available = sum(rs.get("status", {}).get("availableReplicas", 0) for rs in [current, *old])
        removable = available - (desired - unavailable)
        for rs in sorted(old, key=lambda r: r["metadata"]["creationTimestamp"]):
            replicas = rs["spec"].get("replicas", 0)
            unready = replicas - rs.get("status", {}).get("availableReplicas", 0)
            cut = min(replicas, max(0, removable) + max(0, unready))
            if cut > 0:
                self._scale(deploy, rs, replicas - cut)
                removable -= max(0, cut - max(0, unready))

    def _prune_history(self, deploy: dict[str, Any], old: list[dict[str, Any]]) -> None:
        limit = deploy["spec"].get("revisionHistoryLimit", 10)
        idle = [
            rs
            for rs in old
            if rs["spec"].get("replicas", 0) == 0 and not rs.get("status", {}).get("replicas")
        ]
        idle.sort(key=lambda r: int(r["metadata"].get("annotations", {}).get(REVISION, 0)))
        for rs in idle[: max(0, len(idle) - limit)]:
            self.registry.delete(
                resource("ReplicaSet"), rs["metadata"]["namespace"], rs["metadata"]["name"]
            )

    def _write_status(self, deploy: dict[str, Any]) -> None:
        sets = controlled(self.store, resource("ReplicaSet"), deploy)
        template_hash = pod_template_hash(deploy["spec"]["template"])
        totals = {"replicas": 0, "readyReplicas": 0, "availableReplicas": 0, "updatedReplicas": 0}
        current_name = ""
        for rs in sets:
            observed = rs.get("status", {})
            totals["replicas"] += observed.get("replicas", 0)
            totals["readyReplicas"] += observed.get("readyReplicas", 0)
            totals["availableReplicas"] += observed.get("availableReplicas", 0)
            if rs["metadata"].get("labels", {}).get(HASH_LABEL) == template_hash:
                totals["updatedReplicas"] = observed.get("replicas", 0)
                current_name = rs["metadata"]["name"]
                deploy = self._annotate_revision(deploy, rs)
        desired = deploy["spec"].get("replicas", 1)
        unavailable = _percent_or_count(
            deploy["spec"]
            .get("strategy", {})
            .get("rollingUpdate", {})
            .get("maxUnavailable", "25%"),
            desired,
            round_up=False,
        )
        available = totals["availableReplicas"] >= desired - unavailable
        complete = (
            totals["updatedReplicas"]
            == desired
            == totals["replicas"]
            == totals["availableReplicas"]
        )
        old_conditions = {c["type"]: c for c in deploy.get("status", {}).get("conditions", ())}
        conditions = [
            _condition(
                old_conditions,
                "Available",
                available,
                "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
                "Deployment has minimum availability."
                if available
                else "Deployment does not have minimum availability.",
            ),
            _condition(
                old_conditions,
                "Progressing",
                True,
                "NewReplicaSetAvailable" if complete else "ReplicaSetUpdated",
                f'ReplicaSet "{current_name}" has successfully progressed.'
                if complete
                else f'ReplicaSet "{current_name}" is progressing.',
            ),
        ]
        status: dict[str, Any] = {
            "observedGeneration": deploy["metadata"].get("generation", 1),
            **{k: v for k, v in totals.items() if v},
            "conditions": conditions,
        }
        if desired - totals["availableReplicas"] > 0:
            status["unavailableReplicas"] = desired - totals["availableReplicas"]
        self.registry.write_status(resource("Deployment"), deploy, status)

    def _annotate_revision(self, deploy: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
        """The Deployment carries its current ReplicaSet's revision, as `rollout history` reads."""
        revision = current["metadata"].get("annotations", {}).get(REVISION)
        annotations = deploy["metadata"].get("annotations") or {}
        if revision is None or annotations.get(REVISION) == revision:
            return deploy
        annotated = {
            **deploy,
            "metadata": {**deploy["metadata"], "annotations": {**annotations, REVISION: revision}},
        }
        return self.store.replace(resource("Deployment"), annotated)


def _condition(
    previous: dict[str, dict[str, Any]], type_: str, ok: bool, reason: str, message: str
) -> dict[str, Any]:
    """A condition whose transition time moves only when its status does."""
    status = "True" if ok else "False"
    before = previous.get(type_) or {}
    stamp = now_rfc3339()
    changed = before.get("status") != status
    return {
        "type": type_,
        "status": status,
        "lastUpdateTime": stamp
        if changed or before.get("reason") != reason
        else before["lastUpdateTime"],
        "lastTransitionTime": stamp if changed else before["lastTransitionTime"],
        "reason": reason,
        "message": message,
    }
