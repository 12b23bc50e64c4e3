"""The scheduler: each pod without a node is bound to the feasible node with the fewest siblings.

Its Events go through the events.k8s.io API (action Binding or Scheduling), as kube-scheduler's
do; a pod that fits nowhere gets the scheduler's FailedScheduling message, counted by reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from k9lite.demo.controllers.base import Controller, Key
from k9lite.demo.controllers.nodes import pod_keys
from k9lite.demo.controllers.pod_status import set_condition
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.managed_fields import writing_as
from k9lite.demo.registry import Registry, resource
from k9lite.demo.store import StoreEvent, clone

__all__ = ["Scheduler"]

_CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane"


def _tolerates(pod: dict[str, Any], taint: dict[str, Any]) -> bool:
    for toleration in pod["spec"].get("tolerations") or ():
        if toleration.get("operator") == "Exists" and not toleration.get("key"):
            return True
        if toleration.get("key") == taint.get("key") and toleration.get("effect") in (
            None,
            "",
            taint.get("effect"),
        ):
            return True
    return False


class Scheduler(Controller):
    """Binds each unscheduled pod to the feasible node with the fewest siblings, then pods."""

    name = "default-scheduler"
    field_manager = "kube-scheduler"
    kinds = ("Pod", "Node")

    def __init__(self, registry: Registry, recorder: EventRecorder) -> None:
        super().__init__(registry, recorder)
        # Pods per node, and per (node, owner uid): kept from the store's events, so that
        # placing a pod does not read every pod (which made big scales quadratic).
        self._on_node: dict[str, int] = {}
        self._siblings: dict[tuple[str, str], int] = {}

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        if event.resource.kind == "Node":
            return self.resync()
        if event.old is not None:
            self._count(event.old, -1)
        if event.type != "DELETED":
            self._count(event.obj, +1)
        spec = event.obj.get("spec", {})
        if event.type != "DELETED" and not spec.get("nodeName"):
            return super().keys_for(event)
        return ()

    def resync(self) -> Iterable[Key]:
        self._on_node.clear()
        self._siblings.clear()
        for pod in self.store.iter(resource("Pod")):
            self._count(pod, +1)
        return pod_keys(self.store, bound=False)

    def _count(self, pod: dict[str, Any], sign: int) -> None:
        node = pod["spec"].get("nodeName")
        if not node:
            return
        self._on_node[node] = self._on_node.get(node, 0) + sign
        for ref in pod["metadata"].get("ownerReferences") or ():
            key = (node, ref.get("uid", ""))
            self._siblings[key] = self._siblings.get(key, 0) + sign

    def reconcile(self, key: Key) -> float | None:
        pod = self.store.find(resource("Pod"), *key)
        if pod is None or pod["spec"].get("nodeName") or pod["metadata"].get("deletionTimestamp"):
            return None
        nodes = list(self.store.iter(resource("Node")))
        misfits = {n["metadata"]["name"]: _misfit(pod, n) for n in nodes}
        feasible = [n for n in nodes if misfits[n["metadata"]["name"]] is None]
        if not feasible:
            self._mark_unschedulable(pod, _unschedulable_message(list(misfits.values())))
            return None
        owner = next((r["uid"] for r in pod["metadata"].get("ownerReferences") or ()), None)

        def load(node: dict[str, Any]) -> tuple[int, int, str]:
            name = node["metadata"]["name"]
            siblings = self._siblings.get((name, owner), 0) if owner is not None else 0
            return siblings, self._on_node.get(name, 0), name

        chosen = min(feasible, key=load)
        node_name = chosen["metadata"]["name"]
        bound = clone(pod)
        bound["spec"]["nodeName"] = node_name
        set_condition(bound, "PodScheduled", "True")
        # A binding, not an update: the real server's field manager does not see it.
        with writing_as(None):
            self.store.replace(resource("Pod"), bound)
        self.recorder.record(
            bound,
            "Scheduled",
            f"Successfully assigned {key[0]}/{key[1]} to {node_name}",
            component=self.name,
            action="Binding",
            host=self._host(),
        )
        return None

    def _host(self) -> str:
        """The scheduler runs on the control-plane node; events name it in reportingInstance."""
        for node in self.store.iter(resource("Node")):
            if _CONTROL_PLANE_TAINT in node["metadata"].get("labels", {}):
                return str(node["metadata"]["name"])
        return ""

    def _mark_unschedulable(self, pod: dict[str, Any], message: str) -> None:
        conditions = pod.get("status", {}).get("conditions") or []
        if any(c.get("type") == "PodScheduled" and c.get("message") == message for c in conditions):
            return
        new = clone(pod)
        set_condition(new, "PodScheduled", "False", reason="Unschedulable", message=message)
        self.store.replace(resource("Pod"), new)
        self.recorder.record(
            new,
            "FailedScheduling",
            message,
            component=self.name,
            type_="Warning",
            action="Scheduling",
            host=self._host(),
        )


def _misfit(pod: dict[str, Any], node: dict[str, Any]) -> str | None:
    """Why the pod cannot go to the node, in the words of the first filter that fails; None if
    it fits. Filters run in the scheduler's order: NodeUnschedulable, TaintToleration, NodeAffinity.
    """
    if node["spec"].get("unschedulable"):
        return "node(s) were unschedulable"
    for taint in node["spec"].get("taints") or ():
        if taint.get("effect") in ("NoSchedule", "NoExecute") and not _tolerates(pod, taint):
            key, value = taint.get("key", ""), taint.get("value", "")
            return f"node(s) had untolerated taint {{{key}: {value}}}"
    labels = node["metadata"].get("labels", {})
    selector = pod["spec"].get("nodeSelector") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        return "node(s) didn't match Pod's node affinity/selector"
    return None


def _unschedulable_message(misfits: list[str | None]) -> str:
    """FitError.Error(): each reason with its node count, sorted, then the preemption verdict."""
    counts: dict[str, int] = {}
    for reason in misfits:
        if reason is not None:
            counts[reason] = counts.get(reason, 0) + 1
    reasons = sorted(f"{count} {reason}" for reason, count in counts.items())
    total = len(misfits)
    return (
        f"0/{total} nodes are available: {', '.join(reasons)}. preemption: 0/{total} nodes are "
        f"available: {total} Preemption is not helpful for scheduling."
    )
