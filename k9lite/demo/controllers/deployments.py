"""The Deployment controller: rolls a Deployment's template out through its ReplicaSets.

It follows pkg/controller/deployment: sync.go (revisions, paused Deployments, status),
rolling.go (maxSurge / maxUnavailable step by step), recreate.go and progress.go.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from k9lite.demo.controllers.base import Controller, Key, owner_key
from k9lite.demo.controllers.deployment_status import deployment_status, paused_status
from k9lite.demo.controllers.proportions import proportional_sizes
from k9lite.demo.controllers.revisions import (
    DESIRED_REPLICAS,
    REVISION,
    max_revision,
    revision_of,
    set_new_annotations,
    set_replicas_annotations,
)
from k9lite.demo.controllers.rollout_bounds import max_unavailable, new_replica_set_replicas
from k9lite.demo.controllers.workload_objects import (
    HASH_LABEL,
    controlled,
    pod_template_hash,
    replica_set_for,
)
from k9lite.demo.registry import resource
from k9lite.demo.store import StoreEvent, clone

__all__ = ["DeploymentController"]

_COMPONENT = "deployment-controller"
_RS = resource("ReplicaSet")


def _replicas(rs: dict[str, Any]) -> int:
    return int(rs["spec"].get("replicas", 0))


def _available(rs: dict[str, Any]) -> int:
    return int(rs.get("status", {}).get("availableReplicas", 0))


def _scaling_event(spec: dict[str, Any], sets: list[dict[str, Any]]) -> bool:
    """isScalingEvent: an active ReplicaSet was sized for other replicas than the spec's."""
    desired = str(spec.get("replicas", 1))
    return any(
        _replicas(rs) > 0
        and (rs["metadata"].get("annotations") or {}).get(DESIRED_REPLICAS, desired) != desired
        for rs in sets
    )


def _oldest_first(sets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(sets, key=lambda r: (r["metadata"]["creationTimestamp"], r["metadata"]["name"]))


class DeploymentController(Controller):
    """Rolls a Deployment's template out through ReplicaSets, keeping the surge and availability."""

    name = _COMPONENT
    kinds = ("Deployment", "ReplicaSet", "Pod")

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        if event.resource.kind == "Pod":
            # deletePod: a Recreate rollout waits for the last old pod to be gone.
            rs_key = owner_key(event.obj, "ReplicaSet") if event.type == "DELETED" else None
            rs = self.store.find(_RS, *rs_key) if rs_key else None
            key = owner_key(rs, "Deployment") if rs else None
        elif event.resource.kind == "ReplicaSet":
            key = owner_key(event.obj, "Deployment")
        else:
            return super().keys_for(event)
        return (key,) if key else ()

    def resync(self) -> Iterable[Key]:
        return [
            (o["metadata"]["namespace"], o["metadata"]["name"])
            for o in self.store.iter(resource("Deployment"))
        ]

    def reconcile(self, key: Key) -> float | None:
        deploy = self.store.find(resource("Deployment"), *key)
        if deploy is None or deploy["metadata"].get("deletionTimestamp"):
            return None
        paused = paused_status(deploy)
        if paused is not None:
            deploy = self._write_status(deploy, paused)
        sets = controlled(self.store, _RS, deploy)
        spec = deploy["spec"]
        if spec.get("paused") or _scaling_event(spec, sets):
            # sync(): sizes only; no new ReplicaSet until a paused Deployment is resumed.
            new, old = self._new_and_old(deploy, sets, create=False)
            self._scale_active(deploy, new, old)
            if spec.get("paused"):
                self._prune_history(deploy, old)
            self._sync_status(deploy, progress=False)
        elif spec.get("strategy", {}).get("type") == "Recreate":
            self._recreate(deploy, sets)
        else:
            self._roll(deploy, sets)
        return None

    # -- revisions (getAllReplicaSetsAndSyncRevision) ------------------------------------------

    def _new_and_old(
        self, deploy: dict[str, Any], sets: list[dict[str, Any]], *, create: bool
    ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The ReplicaSet of the current template (made when `create`), and the others."""
        template_hash = pod_template_hash(deploy["spec"]["template"])
        new = next(
            (
                rs
                for rs in sets
                if rs["metadata"].get("labels", {}).get(HASH_LABEL) == template_hash
            ),
            None,
        )
        old = [rs for rs in sets if rs is not new]
        revision = max_revision(old) + 1
        if new is not None:
            # An old template brought back: its ReplicaSet takes the next revision number.
            annotations = dict(new["metadata"].get("annotations") or {})
            if set_new_annotations(deploy, annotations, revision, exists=True):
                updated = clone(new)
                updated["metadata"]["annotations"] = annotations
                new = self.registry.update(_RS, *self._key(new), updated)
        elif create:
            rs = replica_set_for(deploy, template_hash, revision=revision, replicas=0)
            rs["spec"]["replicas"] = new_replica_set_replicas(
                deploy["spec"], sum(_replicas(r) for r in old), 0
            )
            new = self.registry.create(_RS, deploy["metadata"]["namespace"], rs)
            if _replicas(new):
                self._record_scale(deploy, new, 0, _replicas(new))
        if new is not None:
            self._annotate_revision(deploy, new)
        return new, old

    def _annotate_revision(self, deploy: dict[str, Any], new: dict[str, Any]) -> None:
        """The Deployment carries its new ReplicaSet's revision (SetDeploymentRevision)."""
        revision = str(revision_of(new))
        deploy = self.store.find(resource("Deployment"), *self._key(deploy)) or deploy
        annotations = deploy["metadata"].get("annotations") or {}
        if annotations.get(REVISION) != revision:
            self.store.replace(
                resource("Deployment"),
                {
                    **deploy,
                    "metadata": {
                        **deploy["metadata"],
                        "annotations": {**annotations, REVISION: revision},
                    },
                },
            )

    # -- scaling --------------------------------------------------------------------------------

    @staticmethod
    def _key(rs: dict[str, Any]) -> tuple[str, str]:
        return rs["metadata"]["namespace"], rs["metadata"]["name"]

    def _scale(self, deploy: dict[str, Any], rs: dict[str, Any], replicas: int) -> dict[str, Any]:
        """scaleReplicaSetAndRecordEvent: the size, and the Deployment's sizes in annotations."""
        updated = clone(rs)
        updated["spec"]["replicas"] = replicas
        annotations = updated["metadata"].setdefault("annotations", {})
        if not set_replicas_annotations(annotations, deploy["spec"]) and _replicas(rs) == replicas:
            return rs
        scaled = self.registry.update(_RS, *self._key(rs), updated)
        self._record_scale(deploy, rs, _replicas(rs), replicas)
        return scaled

    def _record_scale(
        self, deploy: dict[str, Any], rs: dict[str, Any], before: int, after: int
    ) -> None:
        if before != after:
            direction = "up" if after > before else "down"
            self.recorder.record(
                deploy,
                "ScalingReplicaSet",
                f"Scaled {direction} replica set {rs['metadata']['name']} from {before} to {after}",
                component=_COMPONENT,
            )

    def _scale_active(
        self, deploy: dict[str, Any], new: dict[str, Any] | None, old: list[dict[str, Any]]
    ) -> None:
        """scale(): the one active (or else the newest) ReplicaSet takes the Deployment's size;
        in a rolling update several share a change of size in proportion."""
        spec = deploy["spec"]
        desired = spec.get("replicas", 1)
        sets = [*old, new] if new is not None else old
        active = [rs for rs in sets if _replicas(rs) > 0]
        newest = new if new is not None else (_oldest_first(old)[-1] if old else None)
        target = active[0] if len(active) == 1 else newest if not active else None
        if target is not None:
            self._scale(deploy, target, desired)
        elif (
            new is not None
            and not _scaling_event(spec, [new])
            and _replicas(new) == desired == _available(new)
        ):
            # A saturated new ReplicaSet: the old ones go at once.
            for rs in old:
                self._scale(deploy, rs, 0)
        elif spec.get("strategy", {}).get("type") != "Recreate":
            before = deploy.get("status", {}).get("replicas", 0)
            for rs, size in proportional_sizes(spec, before, sets):
                self._scale(deploy, rs, size)

    def _recreate(self, deploy: dict[str, Any], sets: list[dict[str, Any]]) -> None:
        """rolloutRecreate: every old pod gone before the new ReplicaSet is made or grown."""
        new, old = self._new_and_old(deploy, sets, create=False)
        if any(_replicas(rs) for rs in old):
            for rs in old:
                self._scale(deploy, rs, 0)
        elif not self._old_pods_running(old):
            if new is None:
                new, old = self._new_and_old(deploy, sets, create=True)
            if new is not None:
                self._scale(deploy, new, deploy["spec"].get("replicas", 1))
            self._prune_history(deploy, old)
        self._sync_status(deploy, progress=True)

    def _old_pods_running(self, old: list[dict[str, Any]]) -> bool:
        """oldPodsRunning: any pod of an old ReplicaSet not Succeeded or Failed, even one that
        is terminating."""
        return any(
            pod.get("status", {}).get("phase") not in ("Succeeded", "Failed")
            for rs in old
            for pod in controlled(self.store, resource("Pod"), rs)
        )

    def _roll(self, deploy: dict[str, Any], sets: list[dict[str, Any]]) -> None:
        """rolloutRolling: grow the new ReplicaSet within the surge, or shrink the old ones."""
        new, old = self._new_and_old(deploy, sets, create=True)
        assert new is not None
        if not self._grow_new(deploy, new, old) and not self._shrink_old(deploy, new, old):
            self._prune_history(deploy, old)
        self._sync_status(deploy, progress=True)

    def _grow_new(
        self, deploy: dict[str, Any], new: dict[str, Any], old: list[dict[str, Any]]
    ) -> bool:
        """reconcileNewReplicaSet: whether the new ReplicaSet changed size."""
        desired = deploy["spec"].get("replicas", 1)
        if _replicas(new) >= desired:
            wanted = desired
        else:
            total = _replicas(new) + sum(_replicas(rs) for rs in old)
            wanted = new_replica_set_replicas(deploy["spec"], total, _replicas(new))
        if wanted == _replicas(new):
            return False
        self._scale(deploy, new, wanted)
        return True

    def _shrink_old(
        self, deploy: dict[str, Any], new: dict[str, Any], old: list[dict[str, Any]]
    ) -> bool:
        """reconcileOldReplicaSets: unhealthy old pods first, then as availability allows."""
        active = _oldest_first([rs for rs in old if _replicas(rs) > 0])
        if not active:
            return False
        min_available = deploy["spec"].get("replicas", 1) - max_unavailable(deploy["spec"])
        new_unavailable = _replicas(new) - _available(new)
        total = _replicas(new) + sum(_replicas(rs) for rs in active)
        room = total - min_available - new_unavailable
        if room <= 0:
            return False
        cut_total = 0
        # cleanupUnhealthyReplicas: old pods that are not available block nobody when they go.
        for index, rs in enumerate(active):
            unhealthy = _replicas(rs) - _available(rs)
            if cut_total >= room or unhealthy <= 0:
                continue
            cut = min(room - cut_total, unhealthy)
            active[index] = self._scale(deploy, rs, _replicas(rs) - cut)
            cut_total += cut
        # scaleDownOldReplicaSetsForRollingUpdate: never below the minimum available.
        available = _available(new) + sum(_available(rs) for rs in active)
        removable = available - min_available
        for rs in active:
            if removable <= 0:
                break
            cut = min(_replicas(rs), removable)
            if cut > 0:
                self._scale(deploy, rs, _replicas(rs) - cut)
                removable -= cut
                cut_total += cut
        return cut_total > 0

    def _prune_history(self, deploy: dict[str, Any], old: list[dict[str, Any]]) -> None:
        """cleanupDeployment: idle old ReplicaSets beyond revisionHistoryLimit, oldest first."""
        limit = deploy["spec"].get("revisionHistoryLimit", 10)
        idle = [
            rs
            for rs in old
            if _replicas(rs) == 0
            and not rs.get("status", {}).get("replicas")
            and not rs["metadata"].get("deletionTimestamp")
        ]
        idle.sort(key=revision_of)
        for rs in idle[: max(0, len(idle) - limit)]:
            self.registry.delete(_RS, *self._key(rs))

    # -- status ---------------------------------------------------------------------------------

    def _sync_status(self, deploy: dict[str, Any], *, progress: bool) -> None:
        fresh = self.store.find(resource("Deployment"), *self._key(deploy)) or deploy
        sets = controlled(self.store, _RS, fresh)
        template_hash = pod_template_hash(fresh["spec"]["template"])
        new = next(
            (
                rs
                for rs in sets
                if rs["metadata"].get("labels", {}).get(HASH_LABEL) == template_hash
            ),
            None,
        )
        self._write_status(fresh, deployment_status(fresh, sets, new, progress=progress))

    def _write_status(self, deploy: dict[str, Any], status: dict[str, Any]) -> dict[str, Any]:
        return self.registry.write_status(resource("Deployment"), deploy, status)
