"""The objects of every kind, stored by namespace and name, with the indexes the views query.

Not thread-safe on its own: ClusterState holds the lock around every call.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import Generic, TypeVar

from k9lite.model.endpoints import EndpointSlice
from k9lite.model.kinds import KINDS, KubeObject
from k9lite.model.pods import Pod

__all__ = ["ObjectIndexes", "UidSets"]

K = TypeVar("K", bound=Hashable)


class UidSets(Generic[K]):
    """key -> the uids filed under it; an emptied key disappears, so nothing leaks."""

    __slots__ = ("_sets",)

    def __init__(self) -> None:
        self._sets: dict[K, set[str]] = {}

    def add(self, key: K, uid: str) -> None:
        uids = self._sets.get(key)
        if uids is None:
            self._sets[key] = {uid}
        else:
            uids.add(uid)

    def discard(self, key: K, uid: str) -> None:
        uids = self._sets.get(key)
        if uids is not None:
            uids.discard(uid)
            if not uids:
                del self._sets[key]

    def get(self, key: K) -> set[str]:
        """The uids under `key`; the live set, not to be changed by the caller."""
        return self._sets.get(key) or set()


class ObjectIndexes:
    """kind -> namespace -> name -> object, plus lookups by uid, node, label, Service and owner."""

    def __init__(self) -> None:
        self._store: dict[str, dict[str, dict[str, KubeObject]]] = {kind: {} for kind in KINDS}
        self.by_uid: dict[str, KubeObject] = {}
        self.pods_by_node = UidSets[str]()
        # Service selectors are namespaced: (namespace, label key, label value) -> pods.
        self.pods_by_label = UidSets[tuple[str, str, str]]()
        # (namespace, kubernetes.io/service-name) -> EndpointSlices.
        self.slices_by_service = UidSets[tuple[str, str]]()
        # owner uid -> dependents of any kind (ReplicaSets of a Deployment, Pods of a ReplicaSet).
        self.dependents = UidSets[str]()

    def get(self, kind: str, namespace: str, name: str) -> KubeObject | None:
        return self._store[kind].get(namespace, {}).get(name)

    def namespaces(self, kind: str) -> Iterable[str]:
        return self._store[kind].keys()

    def in_namespace(self, kind: str, namespace: str) -> Mapping[str, KubeObject]:
        return self._store[kind].get(namespace, {})

    def all(self, kind: str) -> Iterator[KubeObject]:
        for by_name in self._store[kind].values():
            yield from by_name.values()

    def put(self, kind: str, obj: KubeObject) -> None:
        """Add or replace the object of `kind` with obj's namespace and name."""
        meta = obj.meta
        by_name = self._store[kind].setdefault(meta.namespace, {})
        old = by_name.get(meta.name)
        if old is not None:
            self._unindex(old)
        by_name[meta.name] = obj
        self._index(obj)

    def remove(self, kind: str, namespace: str, name: str) -> KubeObject | None:
        by_name = self._store[kind].get(namespace)
        if by_name is None or name not in by_name:
            return None
        old = by_name.pop(name)
        if not by_name:
            del self._store[kind][namespace]
        self._unindex(old)
        return old

    def clear(self, kind: str) -> None:
        for obj in list(self.all(kind)):
            self._unindex(obj)
        self._store[kind] = {}

    def _index(self, obj: KubeObject) -> None:
        meta = obj.meta
        self.by_uid[meta.uid] = obj
        for owner in meta.owner_references:
            self.dependents.add(owner.uid, meta.uid)
        if isinstance(obj, Pod):
            if obj.node_name:
                self.pods_by_node.add(obj.node_name, meta.uid)
            for key, value in meta.labels.items():
                self.pods_by_label.add((meta.namespace, key, value), meta.uid)
        elif isinstance(obj, EndpointSlice) and obj.service_name is not None:
            self.slices_by_service.add((meta.namespace, obj.service_name), meta.uid)

    def _unindex(self, obj: KubeObject) -> None:
        meta = obj.meta
        if self.by_uid.get(meta.uid) is obj:
            del self.by_uid[meta.uid]
        for owner in meta.owner_references:
            self.dependents.discard(owner.uid, meta.uid)
        if isinstance(obj, Pod):
            if obj.node_name:
                self.pods_by_node.discard(obj.node_name, meta.uid)
            for key, value in meta.labels.items():
                self.pods_by_label.discard((meta.namespace, key, value), meta.uid)
        elif isinstance(obj, EndpointSlice) and obj.service_name is not None:
            self.slices_by_service.discard((meta.namespace, obj.service_name), meta.uid)
