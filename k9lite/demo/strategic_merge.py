"""Strategic merge patch, as the server side of apimachinery's `pkg/util/strategicpatch` applies it.

Parallel deletion lists merged, unmatched nulls ignored, directives removed from new values.
Which lists merge, and by which key, a `PatchField` tree says (for the built-in kinds:
`demo/patch_schemas.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from k9lite.demo.patch_errors import PatchError
from k9lite.demo.store import clone

__all__ = ["PatchField", "strategic_merge"]

_DIRECTIVE: Final = "$patch"
_RETAIN_KEYS: Final = "$retainKeys"
_SET_ORDER: Final = "$setElementOrder"
_DELETE_FROM: Final = "$deleteFromPrimitiveList"


@dataclass(frozen=True, slots=True)
class PatchField:
    """The strategic-merge metadata of one field, from its `patchStrategy`/`patchMergeKey` tags."""

    fields: Mapping[str, PatchField] = field(default_factory=dict)
    """The fields inside: those of the map itself, or of each item of a list of maps."""
    merge: bool = False
    """`patchStrategy:"merge"`: the patch list merges into the live list instead of replacing it."""
    merge_key: str = ""
    """`patchMergeKey`: the item field that identifies the items of a merged list of maps."""


_ATOMIC: Final = PatchField()


def strategic_merge(
    original: Mapping[str, Any], patch: Mapping[str, Any], schema: PatchField
) -> dict[str, Any]:
    """`patch` merged into `original` (both left untouched) as a strategic merge patch, with the
    merge lists `schema` declares; every other list is replaced whole."""
    return _merge_map(clone(dict(original)), clone(dict(patch)), schema)


def _merge_map(
    original: dict[str, Any], patch: dict[str, Any], schema: PatchField
) -> dict[str, Any]:
    """`patch` merged into `original`; both are private copies that this changes."""
    if _DIRECTIVE in patch:
        directive = patch.pop(_DIRECTIVE)
        if directive == "replace":
            return _merge_map({}, patch, schema)
        if directive == "delete":
            return {}
        # strategicpatch refuses `$patch: merge` in a map, as any other word.
        raise PatchError(f"unknown patch type {directive!r} in a map: use replace or delete")
    _retain_keys(original, patch)
    _set_element_orders(original, patch, schema)
    for key, value in patch.items():
        meta = schema.fields.get(key, _ATOMIC)
        current = original.get(key)
        if key.startswith(_DELETE_FROM):
            _delete_from_primitive_list(original, _directive_field(key, _DELETE_FROM), value)
        elif value is None:
            original.pop(key, None)
        elif isinstance(value, dict) and isinstance(current, dict):
            original[key] = _merge_map(current, value, meta)
        elif isinstance(value, list) and isinstance(current, list):
            original[key] = _merge_list(current, value, meta)
        elif _is_directive_item(value):
            # A new value that is itself a directive ({"$patch": "delete"}) leaves nothing behind.
            original.pop(key, None)
        else:
            original[key] = _fresh(value, meta)
    return original


def _fresh(value: Any, schema: PatchField) -> Any:
    """A patch value with nothing to merge into, rid of directives and nulls, as strategicpatch's
    `removeDirectives` leaves it."""
    if isinstance(value, dict):
        return _merge_map({}, value, schema)
    if isinstance(value, list):
        return [_fresh(item, schema) for item in value if not _is_directive_item(item)]
    return value


def _is_directive_item(value: Any) -> bool:
    return isinstance(value, dict) and _DIRECTIVE in value


def _directive_field(key: str, prefix: str) -> str:
    """The field a parallel-list directive (`$setElementOrder/ports`) applies to."""
    head, _, name = key.partition("/")
    if head != prefix or not name:
        raise PatchError(f"invalid patch format: {key!r} must be {prefix}/<field>")
    return name


def _retain_keys(original: dict[str, Any], patch: dict[str, Any]) -> None:
    """`$retainKeys`: clear every field of `original` not listed. The server honours it in any
    map, whatever the field's tag says (kubectl sends it for `retainKeys` fields only)."""
    if _RETAIN_KEYS not in patch:
        return
    retained = patch.pop(_RETAIN_KEYS)
    if not isinstance(retained, list) or not all(isinstance(name, str) for name in retained):
        raise PatchError(f"invalid patch format: {_RETAIN_KEYS} must be a list of field names")
    for key, value in patch.items():
        if value is None or key.startswith((_SET_ORDER, _DELETE_FROM)):
            continue
        if key not in retained:
            raise PatchError(f"invalid patch format: {key!r} is patched but not in {_RETAIN_KEYS}")
    for key in [key for key in original if key not in retained]:
        del original[key]


def _set_element_orders(
    original: dict[str, Any], patch: dict[str, Any], schema: PatchField
) -> None:
    """`$setElementOrder/<field>`: merge that list now and order it as the directive says; items
    it does not name keep their live order, interleaved as strategicpatch does."""
    for key in [key for key in patch if key.startswith(_SET_ORDER)]:
        order = patch.pop(key)
        name = _directive_field(key, _SET_ORDER)
        meta = schema.fields.get(name, _ATOMIC)
        if not isinstance(order, list):
            raise PatchError(f"invalid patch format: {key} must be a list")
        if not meta.merge:
            # Only merge lists are ordered; an atomic list is replaced by the patch list as is.
            continue
        if name not in original and name not in patch:
            continue
        merging = name in patch
        current, patched = original.get(name, []), patch.pop(name, [])
        if not isinstance(current, list) or not isinstance(patched, list):
            raise PatchError(f"{key} applies to {name!r}, which is not a list")
        if not current and not patched:
            raise PatchError(f"{key}: no elements in any of the given slices")
        identify = _identifier(meta, [*current, *patched])
        _check_order(patched, order, identify)
        if not merging:
            # Nothing to merge: the live list, duplicates and all, is only reordered.
            merged, live = current, current
        elif current:
            merged = _merge_slice(current, patched, meta)
            live = _live_order_after_merge(current, patched, meta)
        else:
            merged, live = _fresh(patched, meta), []
        original[name] = _ordered(merged, order, live, identify)


def _live_order_after_merge(current: list[Any], patched: list[Any], meta: PatchField) -> list[Any]:
    """The live list as strategicpatch sees it when it orders a `$setElementOrder` list.

    Go deletes and appends merge-list items in place, in the live list's backing array, so the
    order it then compares against is: the survivors, the appended items, stale leftovers, cut to
    the live length. Rebuilding that view gives new and live-only items the real server's order.
    """
    if _element_type([*current, *patched]) is not dict:
        return current
    view, length = list(current), len(current)
    for item in patched:
        if _is_directive_item(item) and item[_DIRECTIVE] == "delete":
            doomed = _key_or_none(item, meta)
            while (index := _position(view[:length], doomed, meta)) is not None:
                view[index : length - 1] = view[index + 1 : length]
                length -= 1
    if any(_is_directive_item(item) and item[_DIRECTIVE] == "replace" for item in patched):
        # The patch items replace the list in a new array: the live array saw deletions only.
        return view
    seen = {_key_or_none(item, meta) for item in view[:length]}
    for item in patched:
        key = _key_or_none(item, meta)
        if _is_directive_item(item) or key in seen:
            continue
        seen.add(key)
        if length < len(view):
            view[length] = item
        length += 1
    return view


def _position(items: list[Any], key: Hashable | None, meta: PatchField) -> int | None:
    """The index of the first item whose merge key is `key`."""
    return next((n for n, item in enumerate(items) if _key_or_none(item, meta) == key), None)


def _check_order(patched: list[Any], order: list[Any], identify: Callable[[Any], Hashable]) -> None:
    """The patch list, deletions aside, must name a subset of `order` in the same order."""
    wanted = [item for item in patched if not _is_directive_item(item)]
    position = 0
    for item in order:
        if position < len(wanted) and identify(wanted[position]) == identify(item):
            position += 1
    if position < len(wanted):
        raise PatchError(
            f"the order in patch list {patched} doesn't match {_SET_ORDER} list {order}"
        )


def _delete_from_primitive_list(original: dict[str, Any], name: str, doomed: Any) -> None:
    """`$deleteFromPrimitiveList/<field>`: drop those values; a missing list stays missing."""
    if not isinstance(doomed, list):
        raise PatchError(f"invalid patch format: {_DELETE_FROM}/{name} must be a list")
    current = original.get(name)
    if not isinstance(current, list):
        return
    if _element_type([*current, *doomed]) is dict:
        raise PatchError(f"{_DELETE_FROM}/{name} applies to lists of primitives only")
    gone = {_scalar_identity(value) for value in doomed}
    original[name] = [value for value in current if _scalar_identity(value) not in gone]


def _merge_list(current: list[Any], patched: list[Any], meta: PatchField) -> list[Any]:
    """Lists without `patchStrategy:"merge"` are replaced whole."""
    if not meta.merge:
        replaced: list[Any] = _fresh(patched, meta)
        return replaced
    return _merge_slice(current, patched, meta)


def _merge_slice(current: list[Any], patched: list[Any], meta: PatchField) -> list[Any]:
    """A merge list: primitives form an ordered set, maps merge by `meta.merge_key`; patch items
    come in patch order, live-only items keep their place among them."""
    if not current and not patched:
        return []
    identify = _identifier(meta, [*current, *patched])
    if _element_type([*current, *patched]) is not dict:
        merged = list({_scalar_identity(value): value for value in [*current, *patched]}.values())
        return _ordered(merged, patched, current, identify)
    kept, items = list(current), []
    replace = False
    for item in patched:
        directive = item.get(_DIRECTIVE)
        if _DIRECTIVE not in item:
            items.append(item)
        elif directive == "delete":
            doomed = identify(item)
            kept = [entry for entry in kept if _key_or_none(entry, meta) != doomed]
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise PatchError("merging lists cannot yet be specified in the patch")
        else:
            raise PatchError(f"unknown patch type {directive!r} in a list item")
    if replace:
        # `{"$patch": "replace"}` as an item: the other patch items become the whole list.
        return [_fresh(item, meta) for item in items]
    merged = list(kept)
    for item in items:
        wanted = identify(item)
        index = next((n for n, entry in enumerate(merged) if identify(entry) == wanted), None)
        if index is None:
            merged.append(_fresh(item, meta))
        else:
            merged[index] = _merge_map(merged[index], item, meta)
    return _ordered(merged, items, kept, identify)


def _ordered(
    merged: list[Any],
    patch_order: Sequence[Any],
    live_order: Sequence[Any],
    identify: Callable[[Any], Hashable],
) -> list[Any]:
    """strategicpatch's `normalizeElementOrder`: patch items sorted by `patch_order`, live-only
    items by `live_order`, then interleaved; a live-only item goes first only when both it and the
    next patch item were live and it came before that item."""
    in_patch = _ranks(patch_order, identify)
    live = _ranks(live_order, identify)
    from_patch = sorted(
        (item for item in merged if identify(item) in in_patch),
        key=lambda item: in_patch[identify(item)],
    )
    live_only = sorted(
        (item for item in merged if identify(item) not in in_patch),
        key=lambda item: live.get(identify(item), len(live)),
    )
    result: list[Any] = []
    left = right = 0
    while left < len(live_only) and right < len(from_patch):
        left_rank = live.get(identify(live_only[left]))
        right_rank = live.get(identify(from_patch[right]))
        if left_rank is not None and right_rank is not None and left_rank < right_rank:
            result.append(live_only[left])
            left += 1
        else:
            result.append(from_patch[right])
            right += 1
    return result + live_only[left:] + from_patch[right:]


def _ranks(items: Sequence[Any], identify: Callable[[Any], Hashable]) -> dict[Hashable, int]:
    """The first position of each item, by identity."""
    ranks: dict[Hashable, int] = {}
    for position, item in enumerate(items):
        ranks.setdefault(identify(item), position)
    return ranks


def _identifier(meta: PatchField, items: list[Any]) -> Callable[[Any], Hashable]:
    """How items of this list are told apart: maps by merge key, primitives by value."""
    if _element_type(items) is not dict:
        return _scalar_identity
    if not meta.merge_key:
        raise PatchError("cannot merge lists of maps without a merge key")

    def by_merge_key(item: Any) -> Hashable:
        key = _key_or_none(item, meta)
        if key is None:
            raise PatchError(f"map: {item} does not contain declared merge key: {meta.merge_key}")
        return key

    return by_merge_key


def _key_or_none(item: Any, meta: PatchField) -> Hashable | None:
    if not isinstance(item, dict) or meta.merge_key not in item:
        return None
    return _scalar_identity(item[meta.merge_key])


def _scalar_identity(value: Any) -> Hashable:
    """Equality as Go compares JSON scalars: 1, 1.0 and true are three different values."""
    if isinstance(value, (dict, list)):
        raise PatchError(f"expected a primitive value, got {value}")
    identity: tuple[type, Any] = (type(value), value)
    return identity


def _element_type(items: list[Any]) -> type | None:
    """The one type of every item; strategicpatch refuses mixed lists and lists of lists."""
    types = {type(item) for item in items}
    if list in types:
        raise PatchError("lists of lists are not supported")
    if len(types) > 1:
        raise PatchError(f"list element types are not identical: {items}")
    return types.pop() if types else None
