"""`metadata.managedFields`: which manager set which field, kept on every write as the real
server's field manager does for an Update (kubectl create/replace/patch/edit, client updates).

Each write compares the object with what it was (a created object with its kind's empty object,
see zero.py): the writing manager gains every field it added or changed, the other managers lose
those, and everyone loses removed fields. A field set is written as FieldsV1: `f:NAME` for
fields, `k:{...}` for an item of a list keyed by some of its fields, `v:VALUE` for an item of a
set, and `.` for a node that the manager created itself (recorded: `"f:labels": {".": {}, ...}`).
The writer is a context variable: the HTTP handler names it from `?fieldManager=` or the client's
User-Agent, each controller from its component, as the real server derives it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import orjson

from k9lite.demo.sharing import share
from k9lite.demo.timestamps import now_rfc3339
from k9lite.demo.zero import zero_object

__all__ = [
    "Path",
    "Writer",
    "applied_fields",
    "entry_members",
    "entry_order",
    "item_key",
    "list_keys",
    "live_fields",
    "manager_from_request",
    "track",
    "writing_as",
]

Path = tuple[str, ...]
_NODE = object()
# Fields the field manager never tracks: identity, versioning, and the deletion a DELETE sets.
_UNTRACKED_META = frozenset(
    {
        "f:name",
        "f:namespace",
        "f:uid",
        "f:resourceVersion",
        "f:creationTimestamp",
        "f:generation",
        "f:managedFields",
        "f:selfLink",
        "f:deletionTimestamp",
        "f:deletionGracePeriodSeconds",
    }
)
# Lists merged item by item (patchMergeKey/listMapKeys in the API types), by these item fields.
_LIST_KEYS: dict[str, tuple[str, ...]] = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "env": ("name",),
    "volumes": ("name",),
    "volumeMounts": ("mountPath",),
    "imagePullSecrets": ("name",),
    "conditions": ("type",),
    "podIPs": ("ip",),
    "hostIPs": ("ip",),
    "ownerReferences": ("uid",),
}
_SETS = frozenset({"finalizers"})
# Key fields with a default in the schema: an item that leaves one out is keyed by it anyway.
_KEY_DEFAULTS = {"protocol": "TCP"}
# Keyed lists whose items are atomic structs (`+structType=atomic`): one leaf per item.
_ATOMIC_ITEMS = frozenset({"ownerReferences"})
# Maps and structs set as a whole (`+mapType=atomic`, `+structType=atomic`): one leaf.
_ATOMIC_MAPS = frozenset({"selector", "nodeSelector"})


@dataclass(frozen=True, slots=True)
class Writer:
    """Who is writing: the manager's name and the subresource it writes through, if any."""

    manager: str | None
    """None for writes the field manager does not see (a pod's binding to its node)."""
    subresource: str | None = None
    applied: frozenset[Path] | None = None
    """A server-side apply: the fields of the applied configuration, which become exactly the
    manager's `Apply` entry (an Update adds what it changed to its entry)."""

    @property
    def operation(self) -> str:
        return "Update" if self.applied is None else "Apply"


_WRITER: ContextVar[Writer | None] = ContextVar("field_manager", default=None)
# Writes of the server itself: bootstrap namespaces, the `kubernetes` Service.
_SERVER = Writer("kube-apiserver")


@contextlib.contextmanager
def writing_as(
    manager: str | None,
    subresource: str | None = None,
    *,
    applied: frozenset[Path] | None = None,
) -> Iterator[None]:
    """Attribute the writes made inside the block to `manager` (None: to nobody); `applied`,
    the fields of a server-side apply's configuration."""
    token = _WRITER.set(Writer(manager, subresource, applied))
    try:
        yield
    finally:
        _WRITER.reset(token)


def manager_from_request(field_manager: str | None, user_agent: str) -> str:
    """managerOrUserAgent: `fieldManager=`, else the User-Agent up to its first `/`."""
    if field_manager:
        return field_manager
    return user_agent.split("/", 1)[0][:128] or "unknown"


def _list_keys(name: str, items: list[Any]) -> tuple[str, ...] | None:
    if not all(isinstance(item, dict) for item in items):
        return None
    if name == "ports":
        # Container ports merge by number and protocol, Service ports by port and protocol;
        # an EndpointSlice's are atomic.
        if all("containerPort" in item for item in items):
            return ("containerPort", "protocol")
        if all("targetPort" in item or "nodePort" in item for item in items):
            return ("port", "protocol")
        return None
    if name == "addresses" and all("type" in item for item in items):
        return ("type",)
    return _LIST_KEYS.get(name)


def _flatten(value: Any, path: Path, name: str, out: dict[Path, Any]) -> None:
    """Every tracked path of `value` to its value (leaves) or _NODE (maps and keyed lists)."""
    if isinstance(value, dict) and value and name not in _ATOMIC_MAPS:
        out[path] = _NODE
        for key, child in value.items():
            if isinstance(child, (dict, list)):
                _flatten(child, (*path, f"f:{key}"), key, out)
            else:
                out[path + (f"f:{key}",)] = child
        return
    if isinstance(value, list) and value:
        if name in _SETS:
            out[path] = _NODE
            for item in value:
                out[path + ("v:" + orjson.dumps(item).decode(),)] = item
            return
        keys = _list_keys(name, value)
        if keys is not None:
            out[path] = _NODE
            for item in value:
                item_path = (*path, "k:" + orjson.dumps(item_key(item, keys)).decode())
                if name in _ATOMIC_ITEMS:
                    out[item_path] = item
                else:
                    _flatten(item, item_path, "", out)
            return
    # Scalars, nulls, empty maps, atomic lists and selectors (atomic maps) are leaves.
    out[path] = value


def _subtrees(obj: dict[str, Any], *, with_status: bool) -> dict[Path, tuple[str, Any]]:
    """The tracked top-level fields and metadata fields: path -> (field name, value)."""
    out: dict[Path, tuple[str, Any]] = {}
    for key, value in obj.items():
        if key in ("apiVersion", "kind") or (key == "status" and not with_status):
            continue
        if key == "metadata" and isinstance(value, dict):
            for meta_key, meta_value in value.items():
                if f"f:{meta_key}" not in _UNTRACKED_META:
                    out[("f:metadata", f"f:{meta_key}")] = (meta_key, meta_value)
        else:
            out[(f"f:{key}",)] = (key, value)
    return out


def _fields(
    new: dict[str, Any], before: dict[str, Any], *, with_status: bool
) -> tuple[dict[Path, Any], dict[Path, Any]]:
    """The flattened fields of both objects, leaving out the subtrees equal in both (a write
    mostly changes one small part; comparing dicts is much cheaper than walking them)."""
    new_top = _subtrees(new, with_status=with_status)
    old_top = _subtrees(before, with_status=with_status)
    new_fields: dict[Path, Any] = {}
    old_fields: dict[Path, Any] = {}
    for path in new_top.keys() | old_top.keys():
        now, was = new_top.get(path), old_top.get(path)
        if now is not None and was is not None and now[1] == was[1]:
            continue
        if now is not None:
            _flatten(now[1], path, now[0], new_fields)
        if was is not None:
            _flatten(was[1], path, was[0], old_fields)
    return new_fields, old_fields


def _owns_any(fields_v1: dict[str, Any], paths: set[Path]) -> bool:
    """Whether an entry's FieldsV1 has any of `paths` as a member (a leaf or a `.` node)."""
    for path in paths:
        node: dict[str, Any] | None = fields_v1
        for key in path:
            node = node.get(key) if node is not None else None
        if node is not None and (not node or "." in node):
            return True
    return False


def _members(fields_v1: dict[str, Any], path: Path, out: set[Path]) -> None:
    for key, child in fields_v1.items():
        if key == ".":
            out.add(path)
        elif child:
            _members(child, (*path, key), out)
        else:
            out.add((*path, key))


def entry_members(entry: dict[str, Any]) -> set[Path]:
    """The fields a managedFields entry owns: its leaves and `.` nodes, as paths."""
    members: set[Path] = set()
    _members(entry.get("fieldsV1") or {}, (), members)
    return members


def applied_fields(obj: dict[str, Any]) -> dict[Path, Any]:
    """The fields a server-side apply of `obj` sets, path -> value (None: a list item, whose
    fields are members of their own): its leaves and the items of its keyed lists and sets,
    without the maps that hold them (an applier owns what it states, not the structure)."""
    return {
        path: value
        for path, value in live_fields(obj).items()
        if value is not None or path[-1].startswith(("k:", "v:"))
    }


def live_fields(obj: dict[str, Any]) -> dict[Path, Any]:
    """Every tracked path of an object to its value (maps and keyed lists: None)."""
    flat: dict[Path, Any] = {}
    for path, (name, value) in _subtrees(obj, with_status=True).items():
        _flatten(value, path, name, flat)
    return {path: (None if value is _NODE else value) for path, value in flat.items()}


def item_key(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """A keyed list item's identity: its key fields, a missing one at its schema default (a
    port's protocol is TCP) or else left out."""
    return {
        k: item[k] if k in item else _KEY_DEFAULTS[k]
        for k in keys
        if k in item or k in _KEY_DEFAULTS
    }


def list_keys(name: str, items: list[Any]) -> tuple[str, ...] | None:
    """The fields that identify the items of list `name` (None: an atomic list)."""
    return _list_keys(name, items)


def _serialize(members: set[Path]) -> dict[str, Any]:
    """A FieldsV1 tree; its nodes are shared (sharing.py) with every equal node met before: most
    of an entry is the same in every object of a kind (a pod's conditions, its container's
    fields), so the pods of a big cluster hold it once."""
    root: dict[str, Any] = {}
    ordered = sorted(members)
    for index, path in enumerate(ordered):
        node = root
        for key in path:
            node = node.setdefault(key, {})
        # Sorted, a member's descendants follow it: if the next path is one, mark it `.`.
        following = ordered[index + 1] if index + 1 < len(ordered) else ()
        if following[: len(path)] == path:
            node["."] = {}
    shared: dict[str, Any] = share(root)
    return shared


def entry_order(entry: dict[str, Any]) -> tuple[str, str]:
    """Where an entry stands in managedFields: by time, untimed first, then by manager, as the
    real server sorts them."""
    return entry.get("time") or "", entry["manager"]


def track(kind: str, api_version: str, new: dict[str, Any], old: dict[str, Any] | None) -> None:
    """Set `new`'s managedFields from `old`'s for the write the current Writer makes."""
    writer = _WRITER.get() or _SERVER
    before = old if old is not None else zero_object(kind, api_version)
    entries = list((old or {}).get("metadata", {}).get("managedFields") or ())
    if writer.manager is None:
        new["metadata"] = {**new["metadata"], "managedFields": entries}
        if not entries:
            del new["metadata"]["managedFields"]
        return
    new_fields, old_fields = _fields(new, before, with_status=old is not None)
    changed = {
        path
        for path, value in new_fields.items()
        if path not in old_fields or (value is not _NODE and old_fields[path] != value)
    }
    removed = old_fields.keys() - new_fields.keys()
    if changed or removed or writer.applied is not None:
        entries = _reassign(entries, writer, old, changed, removed, api_version)
    new["metadata"] = {**new["metadata"], "managedFields": entries}
    if not entries:
        del new["metadata"]["managedFields"]


def _reassign(
    entries: list[dict[str, Any]],
    writer: Writer,
    old: dict[str, Any] | None,
    changed: set[Path],
    removed: set[Path],
    api_version: str,
) -> list[dict[str, Any]]:
    subresource = writer.subresource
    status_only = all(path[0] == "f:status" for path in changed | removed)
    if subresource is None and old is not None and status_only:
        # Controllers write status through the status subresource.
        subresource = "status"
    mine: set[Path] = set()
    kept = []
    lost = changed | removed
    for entry in entries:
        fields_v1 = entry.get("fieldsV1") or {}
        # A manager's Apply and Update entries are two owners, as the real field manager keys
        # them by manager, operation and subresource.
        mine_too = (entry.get("manager"), entry.get("operation", "Update")) == (
            writer.manager,
            writer.operation,
        )
        if not (mine_too and entry.get("subresource") == subresource) and not _owns_any(
            fields_v1, lost
        ):
            kept.append(entry)
            continue
        members = entry_members(entry)
        if mine_too and entry.get("subresource") == subresource:
            mine = members
            continue
        members -= lost
        if members:
            kept.append({**entry, "fieldsV1": _serialize(members)})
    mine = set(writer.applied) if writer.applied is not None else (mine | changed) - removed
    if mine:
        written: dict[str, Any] = {
            "manager": writer.manager,
            "operation": writer.operation,
            "apiVersion": api_version,
            "fieldsType": "FieldsV1",
            "fieldsV1": _serialize(mine),
        }
        if subresource:
            written["subresource"] = subresource
        if subresource != "scale":
            # Recorded: the scale subresource's entry has no time (this server version's way).
            written["time"] = now_rfc3339()
        kept.append(written)
    kept.sort(key=entry_order)
    return kept
