"""Hash-consing of stored objects: equal subtrees of stored objects are one object.

A big cluster's objects are mostly alike: a Deployment's pods have the same labels, owner and
container; every pod has the same tolerations, volume sources and conditions (those made in the
same second). The store hands each object it keeps to `share_object`, which swaps every map and
list equal to one met before for that one, so the pods of a 100,000-pod cluster hold one copy of
what they have in common (and FieldsV1 trees are shared the same way, see managed_fields.py).

Sharing is safe because stored dicts are never changed in place (see store.py): a writer builds
new dicts. Equal means serialising to the same JSON bytes: key order, `1` against `true` or
`1.0`, `-0.0` against `0.0` all tell nodes apart, so a shared node serialises exactly as the node
it replaced. The table is emptied when full: stored objects keep the nodes they have, new ones
share afresh.
"""

from __future__ import annotations

from typing import Any

import orjson

__all__ = ["share", "share_object"]

# Canonical maps and lists by the hash of their JSON (a node found is checked to serialise to the
# same bytes: equal hashes of different JSON leave the newer node unshared).
_NODES: dict[int, Any] = {}
# The ids of the nodes in _NODES (which keeps them alive, so an id is not reused meanwhile): a
# subtree already canonical is met again at each write of an object that kept it (a status update
# keeps its spec), and is neither serialised nor walked again.
_CANONICAL: set[int] = set()
_LIMIT = 100_000
# Canonical strings: the names, addresses and uids of a pod are also in its EndpointSlice and
# Endpoints, and every pod repeats its kind, policies, image... A string costs a table entry
# (about 40 bytes) and saves about 60 bytes each time it is met again. Kept longer than nodes
# (a pod's strings are met again when the controllers write its Service's slices).
_STRINGS: dict[str, str] = {}
_STRINGS_LIMIT = 1_500_000


def share(value: Any) -> Any:
    """The canonical copy of a JSON value; a fresh dict or list may have its children replaced
    by equal canonical ones (its content is unchanged)."""
    kind = type(value)
    if kind is str:
        return _STRINGS.setdefault(value, value)
    if (kind is not dict and kind is not list) or id(value) in _CANONICAL:
        return value
    data = orjson.dumps(value)
    digest = hash(data)
    found = _NODES.get(digest)
    if found is not None:
        return found if orjson.dumps(found) == data else value
    # New: its children are shared, then it stands for its JSON.
    _share_children(value)
    if len(_NODES) >= _LIMIT:
        _NODES.clear()
        _CANONICAL.clear()
    _NODES[digest] = value
    _CANONICAL.add(id(value))
    return value


def _share_children(value: Any) -> None:
    """Replace the children of a fresh map or list by their canonical copies."""
    for key, child in value.items() if type(value) is dict else enumerate(value):
        kind = type(child)
        if kind is str:
            canonical = _STRINGS.setdefault(child, child)
        elif kind is dict or kind is list:
            canonical = share(child)
        else:
            continue
        if canonical is not child:
            value[key] = canonical


def share_object(obj: dict[str, Any]) -> None:
    """Share the subtrees of an object about to be stored: its fields and its metadata's fields
    (the object and its metadata are its own: the store stamps the metadata's resourceVersion)."""
    if len(_STRINGS) >= _STRINGS_LIMIT:
        _STRINGS.clear()
    _share_children(obj["metadata"])
    for key, child in obj.items():
        if key != "metadata":
            canonical = share(child)
            if canonical is not child:
                obj[key] = canonical
