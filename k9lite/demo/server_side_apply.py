"""Server-side apply: a PATCH of `application/apply-patch+yaml` (kubectl apply --server-side).

Followed sources: apimachinery pkg/util/managedfields (internal/structuredmerge.go,
conflict.go) and structured-merge-diff's merge.Updater.Apply; apiserver patch.go and
ValidatePatchOptions. The body is the applier's whole intent for the fields it states. Another
manager that owns a field the apply would set to a different value is a conflict: 409 naming
each field and manager, unless `force=true`, which takes the fields over. The applied fields
are merged into the live object (maps by key, keyed lists item by item, everything else
replaced), the fields the same manager applied before and no longer states are removed (when
nobody else owns them), and its `Apply` entry in managedFields becomes exactly the fields it
stated. An apply to an object that does not exist creates it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson
import yaml

from k9lite.demo.errors import APIError, bad_request, invalid_options
from k9lite.demo.managed_fields import (
    Path,
    applied_fields,
    entry_members,
    list_keys,
    live_fields,
    writing_as,
)
from k9lite.demo.query_params import flag
from k9lite.demo.registry import Registry
from k9lite.demo.resources import ResourceType
from k9lite.demo.store import clone

__all__ = ["APPLY_PATCH", "apply_options", "server_side_apply"]

APPLY_PATCH = "application/apply-patch+yaml"


def apply_options(query: Mapping[str, str], content_type: str) -> tuple[str, bool]:
    """(fieldManager, force) of a PATCH, checked as ValidatePatchOptions checks them."""
    applying = content_type.partition(";")[0].strip().lower() == APPLY_PATCH
    manager, force = query.get("fieldManager", ""), query.get("force")
    causes = []
    if not applying and force is not None:
        causes.append(
            ("force", "Forbidden: may not be specified for non-apply patch", "FieldValueForbidden")
        )
    if applying and not manager:
        causes.append(
            ("fieldManager", "Required value: is required for apply patch", "FieldValueRequired")
        )
    if causes:
        raise invalid_options("PatchOptions", "", causes, group="meta.k8s.io")
    return manager, flag(query, "force")


def server_side_apply(
    registry: Registry,
    rt: ResourceType,
    namespace: str | None,
    name: str,
    body: bytes,
    *,
    manager: str,
    force: bool,
    dry_run: bool = False,
) -> tuple[dict[str, Any], bool]:
    """Apply `body` to the named object; (the object, whether the apply created it)."""
    applied = _configuration(body, rt, name)
    stated = applied_fields(applied)
    members = frozenset(stated)
    live = registry.store.find(rt, namespace or "", name)
    if live is None:
        if namespace is not None:
            applied.setdefault("metadata", {})["namespace"] = namespace
        with writing_as(manager, applied=members):
            return registry.create(rt, namespace, applied, dry_run=dry_run), True
    entries = live["metadata"].get("managedFields") or []
    current = live_fields(live)
    found = _conflicts(entries, manager, stated, current)
    if found and not force:
        raise _conflict_error(found)
    others: set[Path] = set()
    before: set[Path] = set()
    for entry in entries:
        if (entry.get("manager"), entry.get("operation")) == (manager, "Apply"):
            before = entry_members(entry)
        else:
            others |= entry_members(entry)
    merged = _merge(clone(live), applied)
    for path in sorted(before - members - others, key=len, reverse=True):
        _remove(merged, path)
    merged["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
    with writing_as(manager, applied=members):
        return registry.update(rt, namespace, name, merged, dry_run=dry_run), False


def _configuration(body: bytes, rt: ResourceType, name: str) -> dict[str, Any]:
    """The applied configuration: YAML or JSON naming this object, of this kind."""
    try:
        applied = yaml.safe_load(body)
    except yaml.YAMLError as exc:
        raise bad_request(f"error decoding YAML: {exc}") from None
    if not isinstance(applied, dict):
        raise bad_request("error decoding YAML: the apply configuration must be an object")
    if applied.get("kind") != rt.kind or applied.get("apiVersion") != rt.group_version:
        raise bad_request(
            f"the apply configuration is a {applied.get('apiVersion')}, Kind="
            f"{applied.get('kind')}, not a {rt.group_version}, Kind={rt.kind}"
        )
    meta = applied.get("metadata")
    if not isinstance(meta, dict) or meta.get("name") != name:
        raise bad_request(
            f"the name of the object ({(meta or {}).get('name')}) does not match the name on "
            f"the URL ({name})"
        )
    return applied


def _conflicts(
    entries: list[dict[str, Any]],
    manager: str,
    stated: dict[Path, Any],
    current: dict[Path, Any],
) -> list[tuple[dict[str, Any], Path]]:
    """(other entry, field) for each field another manager owns that the apply changes."""
    found = []
    for entry in entries:
        if (entry.get("manager"), entry.get("operation")) == (manager, "Apply"):
            continue
        for path in sorted(entry_members(entry) & stated.keys()):
            value = stated[path]
            if value is not None and (path not in current or current[path] != value):
                found.append((entry, path))
    return found


def _conflict_error(found: list[tuple[dict[str, Any], Path]]) -> APIError:
    """409 as managedfields' NewConflictError words it."""
    causes = [
        {
            "reason": "FieldManagerConflict",
            "message": f"conflict with {_manager(entry)}",
            "field": _dotted(path),
        }
        for entry, path in found
    ]
    if len(found) == 1:
        entry, path = found[0]
        message = f"Apply failed with 1 conflict: conflict with {_manager(entry)}: {_dotted(path)}"
    else:
        lines = []
        for who in sorted({_manager(entry) for entry, _ in found}):
            lines.append(f"conflicts with {who}:")
            lines += [f"- {_dotted(path)}" for entry, path in found if _manager(entry) == who]
        message = f"Apply failed with {len(found)} conflicts: " + "\n".join(lines)
    return APIError(409, "Conflict", message, details={"causes": causes})


def _manager(entry: dict[str, Any]) -> str:
    """printManager: the name, its subresource, and for an Update the API version used."""
    words = json.dumps(entry.get("manager", ""))
    if entry.get("subresource"):
        words += f" with subresource {json.dumps(entry['subresource'])}"
    if entry.get("operation", "Update") == "Update":
        words += f" using {entry.get('apiVersion', '')}"
    return words


def _dotted(path: Path) -> str:
    """fieldpath.Path.String: `.spec.containers[name="web"].image`."""
    text = ""
    for element in path:
        kind, _, rest = element.partition(":")
        if kind == "f":
            text += f".{rest}"
        elif kind == "k":
            keys = orjson.loads(rest)
            text += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in keys.items()) + "]"
        else:
            text += f"[={rest}]"
    return text


def _merge(live: Any, applied: Any, name: str = "") -> Any:
    """`applied` over `live`: maps by key, keyed lists item by item, the rest replaced."""
    if isinstance(live, dict) and isinstance(applied, dict):
        for key, value in applied.items():
            live[key] = _merge(live[key], value, key) if key in live else value
        return live
    if isinstance(live, list) and isinstance(applied, list):
        keys = list_keys(name, applied)
        if keys is not None and list_keys(name, live) == keys:
            merged = list(live)
            for item in applied:
                identity = {k: item.get(k) for k in keys}
                at = next(
                    (
                        i
                        for i, old in enumerate(merged)
                        if {k: old.get(k) for k in keys} == identity
                    ),
                    None,
                )
                if at is None:
                    merged.append(item)
                else:
                    merged[at] = _merge(merged[at], item)
            return merged
    return applied


def _remove(obj: dict[str, Any], path: Path) -> None:
    """Delete the field (or keyed list item) at `path`, if it is there."""
    node: Any = obj
    for element in path[:-1]:
        node = _child(node, element)
        if node is None:
            return
    last = path[-1]
    kind, _, rest = last.partition(":")
    if kind == "f" and isinstance(node, dict):
        node.pop(rest, None)
    elif isinstance(node, list):
        node[:] = [item for item in node if not _is(item, last)]


def _child(node: Any, element: str) -> Any:
    kind, _, rest = element.partition(":")
    if kind == "f":
        return node.get(rest) if isinstance(node, dict) else None
    if isinstance(node, list):
        return next((item for item in node if _is(item, element)), None)
    return None


def _is(item: Any, element: str) -> bool:
    """Whether a list item is the one a `k:{...}` or `v:VALUE` path element names."""
    kind, _, rest = element.partition(":")
    if kind == "k":
        keys = orjson.loads(rest)
        return isinstance(item, dict) and all(item.get(k) == v for k, v in keys.items())
    return bool(orjson.dumps(item).decode() == rest)
