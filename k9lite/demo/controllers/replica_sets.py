"""The ReplicaSet controller: keeps `spec.replicas` pods of each ReplicaSet alive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from k9lite.demo.controllers.base import Controller, Key, owner_key
from k9lite.demo.controllers.workload_objects import controlled, is_ready, pod_for
from k9lite.demo.errors import APIError
from k9lite.demo.registry import resource
from k9lite.demo.store import StoreEvent

__all__ = ["ReplicaSetController"]

# The ReplicaSet controller's burstReplicas: pods created or deleted in one sync at most.
_BURST_REPLICAS = 500
_FAILED_CREATE_RETRY = 10.0


class ReplicaSetController(Controller):
    """Keeps `spec.replicas` pods alive for each ReplicaSet; reports how many are ready."""

    name = "replicaset-controller"
    kinds = ("ReplicaSet", "Pod")

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        if event.resource.kind == "Pod":
            key = owner_key(event.obj, "ReplicaSet")
            return (key,) if key else ()
        return super().keys_for(event)

    def resync(self) -> Iterable[Key]:
        return [
            (o["metadata"]["namespace"], o["metadata"]["name"])
            for o in self.store.iter(resource("ReplicaSet"))
        ]

    def reconcile(self, key: Key) -> float | None:
        rs = self.store.find(resource("ReplicaSet"), *key)
        if rs is None or rs["metadata"].get("deletionTimestamp"):
            return None
        pods = controlled(self.store, resource("Pod"), rs)
        active = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
        wanted = rs["spec"].get("replicas", 1)
        again = None
        if len(active) < wanted:
            # As the real controller, at most burstReplicas pods per pass; the rest next pass.
            for _ in range(min(wanted - len(active), _BURST_REPLICAS)):
                try:
                    active.append(self._create_pod(rs))
                except APIError as exc:
                    # Refused (the pod cap): said on the ReplicaSet, tried again later.
                    self.recorder.record(
                        rs,
                        "FailedCreate",
                        f"Error creating: {exc.message}",
                        component=self.name,
                        type_="Warning",
                    )
                    again = _FAILED_CREATE_RETRY
                    break
            else:
                again = 0.0 if len(active) < wanted else None
        elif len(active) > wanted:
            # Delete the least useful first: unscheduled, then not ready, then the newest.
            active.sort(
                key=lambda p: (
                    bool(p["spec"].get("nodeName")),
                    is_ready(p),
                    p["metadata"]["creationTimestamp"],
                ),
                reverse=False,
            )
            surplus, active = active[: len(active) - wanted], active[len(active) - wanted :]
            for pod in surplus:
                self.registry.delete(resource("Pod"), key[0], pod["metadata"]["name"])
                self.recorder.record(
                    rs,
                    "SuccessfulDelete",
                    f"Deleted pod: {pod['metadata']['name']}",
                    component=self.name,
                )
        ready = sum(1 for p in active if is_ready(p))
        status = {
            "replicas": len(active),
            "fullyLabeledReplicas": len(active),
            "readyReplicas": ready,
            "availableReplicas": ready,
            "observedGeneration": rs["metadata"].get("generation", 1),
        }
        # Go writes `replicas` always (ReplicaSetStatus has no omitempty on it, and the official
        # client refuses a status without it), the counts after it only when not zero.
        self.registry.write_status(
            resource("ReplicaSet"),
            rs,
            {k: v for k, v in status.items() if v or k == "replicas"},
        )
        return again

    def _create_pod(self, rs: dict[str, Any]) -> dict[str, Any]:
        pod = pod_for(rs, f"{rs['metadata']['name']}-{self.registry.random_suffix()}")
        created = self.registry.create(resource("Pod"), rs["metadata"]["namespace"], pod)
        self.recorder.record(
            rs, "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}", component=self.name
        )
        return created
