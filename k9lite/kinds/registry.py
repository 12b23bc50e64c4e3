"""The registry: the kinds of `catalog/` (each module states one `KIND`), found by walking the
package, so that adding a kind is adding a file; and the lookup of what `:word` opens, the
registry's kinds first, then whatever else the server's discovery lists (custom resources too).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

from k9lite.kinds import catalog
from k9lite.kinds.base import Kind, table_kind
from k9lite.model.resources import Resource

__all__ = ["KINDS", "by_name", "find", "lookup", "word_list"]


def _load() -> tuple[Kind, ...]:
    found = []
    for module in pkgutil.iter_modules(catalog.__path__):
        kind = getattr(importlib.import_module(f"{catalog.__name__}.{module.name}"), "KIND", None)
        if not isinstance(kind, Kind):
            raise TypeError(f"k9lite.kinds.catalog.{module.name} states no KIND")
        found.append(kind)
    # The views with a model first (they are what k9lite is about), then by title.
    return tuple(sorted(found, key=lambda k: (k.view is None, k.title)))


KINDS: tuple[Kind, ...] = _load()
_BY_WORD = {word: kind for kind in KINDS for word in kind.names}
_BY_RESOURCE = {(k.resource.group, k.resource.plural): k for k in KINDS}
_BY_NAME = {kind.name: kind for kind in KINDS}


def by_name(name: str) -> Kind:
    """A registry kind by the name the state keeps it under (`pods`); KeyError if none."""
    return _BY_NAME[name]


def find(word: str) -> Kind | None:
    """The registry kind a word names (`po`, `pods`, `pod`, `deployments.apps`), if any."""
    return _BY_WORD.get(word.strip().lower())


def lookup(word: str, discovered: Iterable[Resource]) -> Kind | None:
    """What `:word` opens: a registry kind, else a resource the server lists by its plural,
    singular, short name or `plural.group` (kubectl's order), shown from its Tables."""
    word = word.strip().lower()
    kind = _BY_WORD.get(word)
    if kind is not None:
        return kind
    candidates = [r for r in discovered if r.watchable]
    for matches in (
        lambda r: word in (r.plural, r.qualified),
        lambda r: word == r.singular or (not r.singular and word == r.kind.lower()),
        lambda r: word in r.short_names,
    ):
        for resource in candidates:
            if matches(resource):
                return _BY_RESOURCE.get((resource.group, resource.plural)) or table_kind(resource)
    return None


def word_list(discovered: Iterable[Resource] = ()) -> list[str]:
    """Every word `:` accepts for a kind: the registry's kinds (typed views first), each by its
    short names first (Tab's order), then the other resources the server lists."""
    words = [word for kind in KINDS for word in kind.names]
    for resource in discovered:
        if resource.watchable:
            words += [*resource.short_names, resource.plural]
    return list(dict.fromkeys(words))
