"""ClusterState: every watched object, indexed, updated by watch threads and read by the UI.

Watch threads call `replace` after a (re)list and `apply` for each event, and the listener (the
app) is told that something changed; the UI thread then calls `drain_changes` and redraws the
views of the kinds that changed. Kinds the model has no type for are kept as the server's Table
rows (`add_table_kind`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, overload

from k9lite.model.cluster import Namespace, Node
from k9lite.model.collector import collector_paused, keep_listed_objects
from k9lite.model.endpoints import EndpointSlice
from k9lite.model.fields import DecodeError
from k9lite.model.ingresses import Ingress
from k9lite.model.kinds import KINDS, KubeObject, UnknownKind, decode
from k9lite.model.pods import Pod
from k9lite.model.related import RelatedObjects
from k9lite.model.services import Service
from k9lite.model.table_rows import TableColumn, TableRows, decode_columns, decode_table_row
from k9lite.model.workloads import Deployment, ReplicaSet

__all__ = ["ClusterState"]

_EVENT_TYPES = ("ADDED", "MODIFIED", "DELETED")


def _sort_key(obj: KubeObject) -> tuple[str, str]:
    return obj.meta.key


def _raw_identity(raw: Mapping[str, Any]) -> tuple[str, str, str]:
    """(namespace, name, uid) of a raw object, read leniently: it may not decode."""
    meta = raw.get("metadata") if isinstance(raw, dict) else None
    if not isinstance(meta, dict):
        return "", "", ""
    fields = (meta.get("namespace"), meta.get("name"), meta.get("uid"))
    namespace, name, uid = (value if isinstance(value, str) else "" for value in fields)
    return namespace, name, uid


class ClusterState(RelatedObjects):
    """The objects of KINDS with their indexes, and the rows of table kinds; one lock guards
    everything."""

    def __init__(self) -> None:
        super().__init__()
        self._tables: dict[str, TableRows] = {}
        self._listener: Callable[[], None] | None = None
        self._versions = dict.fromkeys(KINDS, 0)
        self._loaded: set[str] = set()
        # Kinds the user may not list, and why: what is derived from them is unknown, not none.
        self._unknown: dict[str, str] = {}
        self._changed: set[str] = set()
        # Per kind, the keys changed since the last drain (None: all, after a relist).
        self._changed_keys: dict[str, set[tuple[str, str]] | None] = {}
        self._drained_keys: dict[str, set[tuple[str, str]] | None] = {}
        self._errors: dict[tuple[str, str, str], DecodeError] = {}
        # (kind, namespace or None) -> sorted objects, dropped when the kind changes.
        self._sorted: dict[tuple[str, str | None], list[KubeObject]] = {}

    # -- writes (watch threads) -----------------------------------------------------------------

    def listen(self, listener: Callable[[], None] | None) -> None:
        """Call `listener` (from the writing thread, outside the lock) after each change."""
        self._listener = listener

    def add_table_kind(self, kind: str) -> None:
        """Keep `kind` (a resource's qualified name) as Table rows from now on."""
        with self._lock:
            if kind not in self._tables:
                self._tables[kind] = TableRows()
                self._versions[kind] = 0

    def set_columns(self, kind: str, raw: Iterable[Any]) -> None:
        """The column definitions of a table kind's latest list."""
        columns = decode_columns(raw)
        with self._lock:
            table = self._tables[kind]
            if columns != table.columns:
                table.columns = columns
                self._bump(kind)
        self._told()

    def columns(self, kind: str) -> tuple[TableColumn, ...]:
        with self._lock:
            table = self._tables.get(kind)
            return () if table is None else table.columns

    def _decode(self, kind: str, raw: Mapping[str, Any]) -> Any:
        return decode_table_row(kind, raw) if kind in self._tables else decode(kind, raw)

    def _told(self) -> None:
        listener = self._listener
        if listener is not None:
            listener()

    def replace(self, kind: str, raws: Iterable[Mapping[str, Any]]) -> None:
        """A (re)list: the kind's objects become exactly these; malformed ones are skipped."""
        self._check(kind)
        decoded: list[Any] = []
        errors: dict[tuple[str, str, str], DecodeError] = {}
        # The collector stays off while the objects are decoded and indexed (millions of new
        # objects would set off passes over them), until they are frozen out of its sight.
        with collector_paused():
            # Decode before taking the lock: readers wait only for the swap.
            for raw in raws:
                try:
                    decoded.append(self._decode(kind, raw))
                except DecodeError as error:
                    errors[(kind, error.namespace, error.name)] = error
            with self._lock:
                table = self._tables.get(kind)
                if table is not None:
                    table.replace(decoded)
                else:
                    self._indexes.clear(kind)
                    for obj in decoded:
                        self._indexes.put(kind, obj)
                self._errors = {key: e for key, e in self._errors.items() if key[0] != kind}
                self._errors.update(errors)
                self._loaded.add(kind)
                self._bump(kind)
            keep_listed_objects(len(decoded))
        self._told()

    def apply(self, kind: str, event_type: str, raw: Mapping[str, Any]) -> None:
        """One watch event: ADDED, MODIFIED or DELETED (the caller handles BOOKMARK and ERROR)."""
        self._check(kind)
        if event_type not in _EVENT_TYPES:
            raise ValueError(f"not an object event: {event_type!r}")
        namespace, name, uid = _raw_identity(raw)
        if event_type == "DELETED":
            with self._lock:
                current = self._get(kind, namespace, name)
                # A late DELETED of an object since re-created under the same name is stale.
                if current is not None and uid and current.meta.uid != uid:
                    return
                self._remove(kind, namespace, name)
                self._errors.pop((kind, namespace, name), None)
                self._bump(kind, (namespace, name))
            self._told()
            return
        try:
            obj = self._decode(kind, raw)
        except DecodeError as error:
            # The object as we knew it is gone; showing its old state would mislead.
            with self._lock:
                self._remove(kind, namespace, name)
                self._errors[(kind, error.namespace, error.name)] = error
                self._bump(kind, (namespace, name))
            self._told()
            return
        with self._lock:
            table = self._tables.get(kind)
            if table is not None:
                table.put(obj)
            else:
                self._indexes.put(kind, obj)
            self._errors.pop((kind, namespace, name), None)
            self._bump(kind, (namespace, name))
        self._told()

    def _get(self, kind: str, namespace: str, name: str) -> Any:
        table = self._tables.get(kind)
        if table is not None:
            return table.rows.get((namespace, name))
        return self._indexes.get(kind, namespace, name)

    def _remove(self, kind: str, namespace: str, name: str) -> None:
        table = self._tables.get(kind)
        if table is not None:
            table.remove((namespace, name))
        else:
            self._indexes.remove(kind, namespace, name)

    def _check(self, kind: str) -> None:
        if kind not in self._versions:
            raise UnknownKind(kind)

    def _bump(self, kind: str, key: tuple[str, str] | None = None) -> None:
        """Record a change of `kind`: of one object (`key`), or of all of them (a relist)."""
        self._versions[kind] += 1
        self._changed.add(kind)
        keys = self._changed_keys.get(kind, set())
        if key is None or keys is None:
            self._changed_keys[kind] = None
        else:
            keys.add(key)
            self._changed_keys[kind] = keys
        if self._sorted:
            self._sorted = {key: found for key, found in self._sorted.items() if key[0] != kind}

    # -- change tracking (UI thread) ------------------------------------------------------------

    def drain_changes(self) -> frozenset[str]:
        """The kinds changed since the last call: many events between two frames are one redraw."""
        with self._lock:
            changed = frozenset(self._changed)
            self._changed.clear()
            self._drained_keys, self._changed_keys = self._changed_keys, {}
        return changed

    def changed_keys(self, kind: str) -> frozenset[tuple[str, str]] | None:
        """The (namespace, name) of the objects of `kind` the last `drain_changes` covered;
        None when all of them may have changed (a relist)."""
        with self._lock:
            keys = self._drained_keys.get(kind, set())
        return None if keys is None else frozenset(keys)

    def version(self, kind: str) -> int:
        """Bumps on every change of the kind: a view redraws when it differs from the last seen."""
        self._check(kind)
        with self._lock:
            return self._versions[kind]

    def loaded(self, kind: str) -> bool:
        """True once the first list of the kind has been applied: before, "no objects" is a lie."""
        self._check(kind)
        with self._lock:
            return kind in self._loaded

    def mark_unknown(self, kind: str, reason: str | None) -> None:
        """`kind` cannot be listed (`reason`: "endpointslices is forbidden: ..."), or can again
        (None). Views that derive from it redraw."""
        self._check(kind)
        with self._lock:
            if self._unknown.get(kind) == reason:
                return
            if reason is None:
                del self._unknown[kind]
            else:
                self._unknown[kind] = reason
            self._bump(kind)
        self._told()

    def unknown(self, kind: str) -> str | None:
        """Why the objects of `kind` are unknown (the user may not list them); None if known."""
        with self._lock:
            return self._unknown.get(kind)

    def error_of(self, kind: str, namespace: str, name: str) -> DecodeError | None:
        """Why the object `namespace/name` of `kind` could not be decoded, if it could not."""
        with self._lock:
            return self._errors.get((kind, namespace, name))

    def errors(self, kind: str) -> list[DecodeError]:
        """The objects of `kind` skipped because they could not be decoded, by namespace and
        name: views show them as error rows."""
        with self._lock:
            return [error for key, error in sorted(self._errors.items()) if key[0] == kind]

    # -- reads ----------------------------------------------------------------------------------

    @overload
    def objects(self, kind: Literal["namespaces"], namespace: None = None) -> list[Namespace]: ...
    @overload
    def objects(self, kind: Literal["nodes"], namespace: None = None) -> list[Node]: ...
    @overload
    def objects(self, kind: Literal["pods"], namespace: str | None = None) -> list[Pod]: ...
    @overload
    def objects(self, kind: Literal["services"], namespace: str | None = None) -> list[Service]: ...
    @overload
    def objects(
        self, kind: Literal["endpointslices"], namespace: str | None = None
    ) -> list[EndpointSlice]: ...
    @overload
    def objects(
        self, kind: Literal["deployments"], namespace: str | None = None
    ) -> list[Deployment]: ...
    @overload
    def objects(
        self, kind: Literal["replicasets"], namespace: str | None = None
    ) -> list[ReplicaSet]: ...
    @overload
    def objects(
        self, kind: Literal["ingresses"], namespace: str | None = None
    ) -> list[Ingress]: ...
    @overload
    def objects(self, kind: str, namespace: str | None = None) -> list[KubeObject]: ...
    def objects(self, kind: str, namespace: str | None = None) -> list[Any]:
        """The kind's objects (in one namespace, or all when None), sorted by (namespace, name)."""
        self._check(kind)
        with self._lock:
            table = self._tables.get(kind)
            if table is not None:
                return list(table.sorted(namespace))
            found = self._sorted.get((kind, namespace))
            if found is None:
                if namespace is None:
                    found = list(self._indexes.all(kind))
                else:
                    found = list(self._indexes.in_namespace(kind, namespace).values())
                found.sort(key=_sort_key)
                self._sorted[(kind, namespace)] = found
            return list(found)

    @overload
    def get(self, kind: Literal["namespaces"], namespace: str, name: str) -> Namespace | None: ...
    @overload
    def get(self, kind: Literal["nodes"], namespace: str, name: str) -> Node | None: ...
    @overload
    def get(self, kind: Literal["pods"], namespace: str, name: str) -> Pod | None: ...
    @overload
    def get(self, kind: Literal["services"], namespace: str, name: str) -> Service | None: ...
    @overload
    def get(
        self, kind: Literal["endpointslices"], namespace: str, name: str
    ) -> EndpointSlice | None: ...
    @overload
    def get(self, kind: Literal["deployments"], namespace: str, name: str) -> Deployment | None: ...
    @overload
    def get(self, kind: Literal["replicasets"], namespace: str, name: str) -> ReplicaSet | None: ...
    @overload
    def get(self, kind: Literal["ingresses"], namespace: str, name: str) -> Ingress | None: ...
    @overload
    def get(self, kind: str, namespace: str, name: str) -> KubeObject | None: ...
    def get(self, kind: str, namespace: str, name: str) -> Any:
        """One object by namespace ("" for nodes and namespaces) and name."""
        self._check(kind)
        with self._lock:
            return self._get(kind, namespace, name)
