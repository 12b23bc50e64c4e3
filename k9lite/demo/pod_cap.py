"""The demo-wide pod cap: a request that would take the cluster past it is refused at once.

A real cluster bounds pods with quotas and admission policies; the demo answers as a
ValidatingAdmissionPolicy that denies the request would (admission.NewForbidden with the
policy's message, reason Invalid, code 422), so `kubectl scale --replicas=2147483647` gets one
clear line instead of a machine busy making pods for minutes.
"""

from __future__ import annotations

from typing import Any, NoReturn

from k9lite.demo.errors import APIError
from k9lite.demo.limits import MAX_PODS
from k9lite.demo.resources import ResourceType
from k9lite.demo.store import Store, StoreEvent

__all__ = ["POLICY", "PodCap"]

POLICY = "k9lite-demo-pod-cap"


def _replicas(obj: dict[str, Any] | None) -> int:
    value = ((obj or {}).get("spec") or {}).get("replicas", 1 if obj else 0)
    return value if isinstance(value, int) and value > 0 else 0


def _controller(obj: dict[str, Any]) -> str | None:
    """The kind of the object's controlling owner, if any."""
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return str(ref.get("kind"))
    return None


def _asks_for(kind: str, obj: dict[str, Any] | None) -> int:
    """The pods one object asks for: a Deployment's replicas, a bare ReplicaSet's, a bare pod."""
    if obj is None:
        return 0
    if kind == "Deployment":
        return _replicas(obj)
    if kind == "ReplicaSet":
        return 0 if _controller(obj) == "Deployment" else _replicas(obj)
    if kind == "Pod":
        return 0 if _controller(obj) else 1
    return 0


class PodCap:
    """Counts the pods the cluster is asked for and refuses what would pass `limit`."""

    def __init__(self, store: Store, limit: int) -> None:
        self.store = store
        self.limit = limit
        self.wanted = 0
        """Pods asked for, kept from the store's events (see `_asks_for`)."""
        store.listeners.append(self.observe)

    def observe(self, event: StoreEvent) -> None:
        kind = event.resource.kind
        after = None if event.type == "DELETED" else event.obj
        self.wanted += _asks_for(kind, after) - _asks_for(kind, event.old)

    def admit(self, rt: ResourceType, new: dict[str, Any], old: dict[str, Any] | None) -> None:
        """Refuse a create or update of `new` (was `old`) that asks for more pods than allowed."""
        if rt.kind == "Pod" and old is None and _controller(new) is not None:
            # Its owner's replicas were admitted already; the pods that exist are the
            # backstop for rollout surges.
            if self.store.count(rt) < self.limit:
                return
            self._refuse(rt, new, self.store.count(rt) + 1)
        growth = _asks_for(rt.kind, new) - _asks_for(rt.kind, old)
        if growth > 0 and self.wanted + growth > self.limit:
            self._refuse(rt, new, self.wanted + growth)

    def _refuse(self, rt: ResourceType, obj: dict[str, Any], wanted: int) -> NoReturn:
        name = obj["metadata"].get("name", "")
        message = (
            f"the demo cluster runs at most {self.limit:,} pods and this would ask for "
            f"{wanted:,}; raise the cap with `k9lite demo-cluster --max-pods N` "
            f"(up to {MAX_PODS:,})"
        )
        policy = f"ValidatingAdmissionPolicy '{POLICY}' with binding '{POLICY}' denied request"
        details: dict[str, Any] = {"name": name, "kind": rt.plural}
        if rt.group:
            details["group"] = rt.group
        details["causes"] = [{"message": f"{policy}: {message}"}]
        raise APIError(
            422,
            "Invalid",
            f'{rt.qualified} "{name}" is forbidden: {policy}: {message}',
            details=details,
        )
