"""The demo cluster's storage: objects by resource, one resourceVersion counter, a watch history.

Like etcd behind kube-apiserver it knows nothing of API rules (those live in `registry`): it stores
whole objects, stamps each write with the next resourceVersion and tells watchers and controllers.
Everything runs on one event loop, so there are no locks. Stored dicts are never changed in place:
a writer builds a new dict (see `clone`) and stores it.
"""

from __future__ import annotations

import asyncio
import bisect
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from k9lite.demo.errors import already_exists, gone, not_found
from k9lite.demo.resources import ResourceType
from k9lite.demo.sharing import share_object

__all__ = ["Store", "StoreEvent", "clone"]

Key = tuple[str, str]


def clone(obj: Any) -> Any:
    """A deep copy of a JSON value; several times faster than copy.deepcopy on API objects."""
    return orjson.loads(orjson.dumps(obj))


@dataclass(frozen=True, slots=True)
class StoreEvent:
    """One write: ADDED, MODIFIED or DELETED, with the object before (`old`) and after it."""

    type: str
    resource: ResourceType
    obj: dict[str, Any]
    old: dict[str, Any] | None
    resource_version: int


def _no_hook(rt: ResourceType, new: dict[str, Any], old: dict[str, Any]) -> None:
    """The default `before_replace`: nothing."""


def _key(obj: dict[str, Any]) -> Key:
    meta = obj["metadata"]
    return meta.get("namespace", ""), meta["name"]


class Store:
    """Objects of every resource, their versions, and who is told of each change."""

    def __init__(self, *, history_limit: int = 20_000) -> None:
        self.resource_version = 1
        self._objects: dict[ResourceType, dict[Key, dict[str, Any]]] = {}
        # Sorted keys, per resource and per (resource, namespace); dropped when keys change.
        self._sorted: dict[tuple[ResourceType, str | None], list[Key]] = {}
        self._namespaces: dict[ResourceType, dict[str, set[str]]] = {}
        # owner uid -> the (resource, key) of every object whose ownerReferences name it.
        self._dependents: dict[str, dict[tuple[ResourceType, Key], None]] = {}
        # (label key, label value, namespace) -> names, per resource: a Service selects by it
        # in its namespace, a list by its labelSelector's equalities in one or every namespace
        # (each namespace looked up: a few hundred at most, where a level of dicts between
        # label and namespace cost ~330 bytes a pod of a 100,000-pod `--scale` cluster).
        self._labels: dict[ResourceType, dict[tuple[str, str, str], dict[str, None]]] = {}
        self._history: deque[StoreEvent] = deque(maxlen=history_limit)
        # Watches may resume after this version only; everything up to it is forgotten.
        self._compacted = 0
        self._watchers: dict[ResourceType, set[asyncio.Queue[StoreEvent | None]]] = {}
        self.listeners: list[Callable[[StoreEvent], None]] = []
        # Called with (resource, new, old) before a replace is stored, whoever writes: the
        # registry keeps managedFields with it.
        self.before_replace: Callable[[ResourceType, dict[str, Any], dict[str, Any]], None]
        self.before_replace = _no_hook

    # -- reads ----------------------------------------------------------------------------------

    def get(self, rt: ResourceType, namespace: str, name: str) -> dict[str, Any]:
        try:
            return self._objects[rt][(namespace, name)]
        except KeyError:
            raise not_found(rt, name) from None

    def find(self, rt: ResourceType, namespace: str, name: str) -> dict[str, Any] | None:
        return self._objects.get(rt, {}).get((namespace, name))

    def iter(
        self, rt: ResourceType, namespace: str | None = None, after: Key | None = None
    ) -> Iterator[dict[str, Any]]:
        """Objects ordered by (namespace, name), as etcd returns them; optionally after a key."""
        objects = self._objects.get(rt, {})
        keys = self._keys(rt, namespace)
        start = 0 if after is None else bisect.bisect_right(keys, after)
        for key in keys[start:]:
            yield objects[key]

    def count_after(self, rt: ResourceType, namespace: str | None, after: Key) -> int:
        """How many objects `iter(rt, namespace, after)` would yield."""
        keys = self._keys(rt, namespace)
        return len(keys) - bisect.bisect_right(keys, after)

    def select(
        self, rt: ResourceType, namespace: str, labels: Mapping[str, str]
    ) -> list[dict[str, Any]]:
        """Objects in `namespace` carrying every label of `labels` (a Service's selector)."""
        found = self.labelled(rt, namespace, ((key, (value,)) for key, value in labels.items()))
        return list(found or ())

    def labelled(
        self,
        rt: ResourceType,
        namespace: str | None,
        equalities: Iterable[tuple[str, Iterable[str]]],
        after: Key | None = None,
    ) -> Iterator[dict[str, Any]] | None:
        """The objects (in `namespace`, or all) whose labels satisfy every `(key, values)`: the
        label is one of the values; in key order, after `after`. None without equalities (the
        caller walks every object): a list by `app=web` reads its few pods, not all of them."""
        index = self._labels.get(rt, {})
        candidates: set[Key] | None = None
        for key, values in equalities:
            keys: set[Key] = set()
            spaces = self._namespaces.get(rt, {}) if namespace is None else (namespace,)
            for value in values:
                for space in spaces:
                    names = index.get((key, value, space))
                    if names:
                        keys.update((space, name) for name in names)
            candidates = keys if candidates is None else candidates & keys
        if candidates is None:
            return None
        objects = self._objects.get(rt, {})
        ordered = sorted(k for k in candidates if after is None or k > after)
        return (objects[k] for k in ordered)

    def _keys(self, rt: ResourceType, namespace: str | None) -> list[Key]:
        keys = self._sorted.get((rt, namespace))
        if keys is None:
            if namespace is None:
                keys = sorted(self._objects.get(rt, {}))
            else:
                names = self._namespaces.get(rt, {}).get(namespace, ())
                keys = [(namespace, name) for name in sorted(names)]
            self._sorted[(rt, namespace)] = keys
        return keys

    def dependents(self, owner_uid: str, rt: ResourceType | None = None) -> list[dict[str, Any]]:
        """Objects (of `rt`, or of any resource) that name `owner_uid` as an owner."""
        found = [
            self._objects[dep_rt][key]
            for dep_rt, key in self._dependents.get(owner_uid, ())
            if rt is None or dep_rt == rt
        ]
        found.sort(key=_key)
        return found

    def count(self, rt: ResourceType) -> int:
        return len(self._objects.get(rt, {}))

    # -- writes ---------------------------------------------------------------------------------

    def create(
        self, rt: ResourceType, obj: dict[str, Any], *, shared: bool = False
    ) -> dict[str, Any]:
        """Store a new object; `shared`: its subtrees are canonical already (`--scale`'s
        replayed objects, scale_replay.py), not walked again."""
        key = _key(obj)
        objects = self._objects.setdefault(rt, {})
        if key in objects:
            raise already_exists(rt, key[1])
        self._keys_changed(rt, key, added=True)
        self._namespaces.setdefault(rt, {}).setdefault(key[0], set()).add(key[1])
        return self._write("ADDED", rt, key, obj, None, shared=shared)

    def replace(self, rt: ResourceType, obj: dict[str, Any]) -> dict[str, Any]:
        key = _key(obj)
        old = self.get(rt, *key)
        self.before_replace(rt, obj, old)
        return self._write("MODIFIED", rt, key, obj, old)

    def delete(self, rt: ResourceType, namespace: str, name: str) -> dict[str, Any]:
        old = self.get(rt, namespace, name)
        self._keys_changed(rt, (namespace, name), added=False)
        self._namespaces[rt][namespace].discard(name)
        self._index(rt, (namespace, name), old, None)
        del self._objects[rt][(namespace, name)]
        # A DELETED event carries the object at a new resourceVersion, as etcd's delete revision.
        final = {**old, "metadata": {**old["metadata"]}}
        self.resource_version += 1
        final["metadata"]["resourceVersion"] = str(self.resource_version)
        self._publish(StoreEvent("DELETED", rt, final, old, self.resource_version))
        return final

    def _index(
        self,
        rt: ResourceType,
        key: Key,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
    ) -> None:
        """Keep the owner and label indexes in line with one write."""
        labels = self._labels.setdefault(rt, {})
        for obj, add in ((old, False), (new, True)):
            meta = (obj or {}).get("metadata", {})
            for ref in meta.get("ownerReferences") or ():
                owned = self._dependents.setdefault(ref.get("uid", ""), {})
                if add:
                    owned[(rt, key)] = None
                else:
                    owned.pop((rt, key), None)
            for label, value in (meta.get("labels") or {}).items():
                # Dicts, not sets: a set of 5 names takes 728 bytes, a dict 184.
                if add:
                    labels.setdefault((label, value, key[0]), {})[key[1]] = None
                else:
                    names = labels.get((label, value, key[0]))
                    if names is not None:
                        names.pop(key[1], None)
                        if not names:
                            del labels[(label, value, key[0])]

    def _keys_changed(self, rt: ResourceType, key: Key, *, added: bool) -> None:
        """Keep the sorted key lists in line (a create or delete) without re-sorting them."""
        for cached in (self._sorted.get((rt, None)), self._sorted.get((rt, key[0]))):
            if cached is None:
                continue
            if added:
                bisect.insort(cached, key)
            else:
                del cached[bisect.bisect_left(cached, key)]

    def _write(
        self,
        type_: str,
        rt: ResourceType,
        key: Key,
        obj: dict[str, Any],
        old: dict[str, Any] | None,
        *,
        shared: bool = False,
    ) -> dict[str, Any]:
        self.resource_version += 1
        if not shared:
            share_object(obj)
        obj["metadata"]["resourceVersion"] = str(self.resource_version)
        self._index(rt, key, old, obj)
        self._objects[rt][key] = obj
        self._publish(StoreEvent(type_, rt, obj, old, self.resource_version))
        return obj

    def _publish(self, event: StoreEvent) -> None:
        if len(self._history) == self._history.maxlen:
            self._compacted = self._history[0].resource_version
        self._history.append(event)
        for queue in self._watchers.get(event.resource, ()):
            queue.put_nowait(event)
        for listener in self.listeners:
            listener(event)

    # -- watching -------------------------------------------------------------------------------

    def subscribe(self, rt: ResourceType, since: int) -> asyncio.Queue[StoreEvent | None]:
        """A queue of events of `rt` after version `since`, starting with those in the history.

        Raises 410 Gone when the history no longer reaches back to `since`.
        """
        if since < self._compacted:
            raise gone(f"too old resource version: {since} ({self._compacted + 1})")
        queue: asyncio.Queue[StoreEvent | None] = asyncio.Queue()
        for event in self._history:
            if event.resource == rt and event.resource_version > since:
                queue.put_nowait(event)
        self._watchers.setdefault(rt, set()).add(queue)
        return queue

    def unsubscribe(self, rt: ResourceType, queue: asyncio.Queue[StoreEvent | None]) -> None:
        self._watchers.get(rt, set()).discard(queue)

    def close_watches(self) -> None:
        """End every open watch stream (each queue gets None), as an API-server restart does."""
        for queues in self._watchers.values():
            for queue in queues:
                queue.put_nowait(None)
            queues.clear()

    def compact(self) -> None:
        """Forget the watch history: any watch resuming from an older version gets 410 Gone."""
        self._history.clear()
        self._compacted = self.resource_version
