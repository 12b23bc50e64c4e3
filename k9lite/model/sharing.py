"""One copy of the values many objects repeat, so a big cluster costs its distinct values once.

10,000 pods name a few dozen namespaces, a few hundred nodes, images and label sets, and
carry conditions and timestamps that most of them share (created in the same second, by the
same template); orjson gives every object its own copy of each. Decoders pass repeated
strings through `sys.intern` (interned strings are freed once no object holds them) and the
other immutable values through `shared`, a bounded table: a value equal to one decoded lately
is replaced by that one. The table is cleared when full, so it never holds more than LIMIT
values alive on its own, whatever the churn of unique ones.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

__all__ = ["LIMIT", "derived", "intern", "shared", "shared_map"]

T = TypeVar("T", bound=Hashable)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

LIMIT = 8192

intern = sys.intern

# Read and written from several watch threads: dict get and set are atomic under the GIL, and
# a race at worst keeps two equal copies.
_values: dict[Hashable, Hashable] = {}
_maps: dict[tuple[tuple[str, str], ...], Mapping[str, str]] = {}
_derived: dict[Hashable, Any] = {}
_EMPTY_MAP: Mapping[str, str] = {}


def _keep(table: dict[Any, Any], key: Hashable, value: Any) -> None:
    if len(table) >= LIMIT:
        table.clear()
    table[key] = value


def shared(value: T) -> T:
    """The copy of `value` decoded lately, if an equal one was; else `value`, kept for later."""
    found = _values.get(value)
    if found is not None:
        return found  # type: ignore[return-value]  # equal keys hold values of the same type
    _keep(_values, value, value)
    return value


def derived(key: K, build: Callable[[K], V]) -> V:
    """`build(key)`, built once for equal keys decoded lately (a timestamp from its text)."""
    found = _derived.get(key)
    if found is None:
        found = build(key)
        _keep(_derived, key, found)
    return found


def shared_map(value: dict[str, str]) -> Mapping[str, str]:
    """One copy of an equal map of strings (labels, annotations, selectors); never mutated."""
    if not value:
        return _EMPTY_MAP
    key = tuple(value.items())
    found = _maps.get(key)
    if found is not None:
        return found
    shared_value = {intern(k): intern(v) for k, v in key}
    # Keyed by the interned strings: the table keeps no second copy of them.
    _keep(_maps, tuple(shared_value.items()), shared_value)
    return shared_value
