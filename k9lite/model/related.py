"""The queries that follow relations between objects through ClusterState's indexes: the pods
of a node, of a Service's selector, of a label selector, of an owner; a Service's
EndpointSlices. Each runs under the state's one lock."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from k9lite.model.endpoints import EndpointSlice
from k9lite.model.indexes import ObjectIndexes
from k9lite.model.kinds import KubeObject
from k9lite.model.pods import Pod
from k9lite.model.selectors import LabelSelector
from k9lite.model.services import Service
from k9lite.model.workloads import ReplicaSet

__all__ = ["RelatedObjects"]


def _sort_key(obj: KubeObject) -> tuple[str, str]:
    return obj.meta.key


class RelatedObjects:
    """The indexes of the typed objects, the lock that guards them, and the queries over them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._indexes = ObjectIndexes()

    def by_uid(self, uid: str) -> KubeObject | None:
        with self._lock:
            return self._indexes.by_uid.get(uid)

    def pods_on_node(self, node: str) -> list[Pod]:
        with self._lock:
            return self._pods(self._indexes.pods_by_node.get(node))

    def pods_selected_by(self, service: Service) -> list[Pod]:
        """The pods whose labels carry every pair of the Service's selector; none without one."""
        # Service selectors match Pod labels, never Deployment labels.
        if not service.selector:
            return []
        namespace = service.meta.namespace
        with self._lock:
            index = self._indexes.pods_by_label
            sets = sorted(
                (index.get((namespace, key, value)) for key, value in service.selector.items()),
                key=len,
            )
            return self._pods(sets[0].intersection(*sets[1:]))

    def pods_matching(self, namespace: str | None, selector: LabelSelector) -> list[Pod]:
        """Pods of a namespace (all when None) that a label selector (`-l`, a Deployment's) picks.

        `=` and `in` terms narrow the candidates through the label index; the rest are checked.
        """
        with self._lock:
            namespaces = (
                [namespace] if namespace is not None else list(self._indexes.namespaces("pods"))
            )
            found: set[str] = set()
            for scope in namespaces:
                found |= self._matching_in(scope, selector)
            return self._pods(found)

    def _matching_in(self, namespace: str, selector: LabelSelector) -> set[str]:
        index = self._indexes.pods_by_label
        candidates: set[str] | None = None
        for requirement in selector.requirements:
            if requirement.operator in ("=", "in"):
                uids: set[str] = set()
                for value in requirement.values:
                    uids |= index.get((namespace, requirement.key, value))
                candidates = uids if candidates is None else candidates & uids
        if candidates is None:
            candidates = {
                pod.meta.uid for pod in self._indexes.in_namespace("pods", namespace).values()
            }
        by_uid = self._indexes.by_uid
        return {
            uid
            for uid in candidates
            if (pod := by_uid.get(uid)) is not None and selector.matches(pod.meta.labels)
        }

    def endpoint_slices_of(self, service: Service) -> list[EndpointSlice]:
        """The EndpointSlices labelled `kubernetes.io/service-name: <service>` in its namespace."""
        key = (service.meta.namespace, service.meta.name)
        with self._lock:
            found = self._resolve(self._indexes.slices_by_service.get(key))
        slices = [obj for obj in found if isinstance(obj, EndpointSlice)]
        return sorted(slices, key=_sort_key)

    def replica_sets_of(self, owner_uid: str) -> list[ReplicaSet]:
        """The ReplicaSets an object (a Deployment) owns: one per revision of its template."""
        with self._lock:
            found = self._resolve(self._indexes.dependents.get(owner_uid))
        return sorted((obj for obj in found if isinstance(obj, ReplicaSet)), key=_sort_key)

    def pods_of(self, owner_uid: str) -> list[Pod]:
        """Pods owned by an object, also through its own dependents (Deployment -> RS -> Pod)."""
        with self._lock:
            seen = {owner_uid}
            pending = [owner_uid]
            pods: set[str] = set()
            while pending:
                for uid in self._indexes.dependents.get(pending.pop()):
                    if uid in seen:
                        continue
                    seen.add(uid)
                    if isinstance(self._indexes.by_uid.get(uid), Pod):
                        pods.add(uid)
                    else:
                        pending.append(uid)
            return self._pods(pods)

    def _resolve(self, uids: Iterable[str]) -> list[KubeObject]:
        # .get: uids are unique on a real cluster, but a duplicate must not raise KeyError.
        by_uid = self._indexes.by_uid
        return [obj for uid in uids if (obj := by_uid.get(uid)) is not None]

    def _pods(self, uids: Iterable[str]) -> list[Pod]:
        pods = [obj for obj in self._resolve(uids) if isinstance(obj, Pod)]
        pods.sort(key=_sort_key)
        return pods
