"""Every kind the server serves: the built-in modules of `kinds/builtin/`, found by walking the
package (adding a kind is adding a file), and the custom resources of the stored CRDs."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from typing import Any

from k9lite.demo.kinds import builtin
from k9lite.demo.kinds.custom import CustomKind, custom_kinds
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.store import Store
from k9lite.demo.wire_forms import WireForm, wire_form

__all__ = ["BUILTIN", "CRD", "Catalog", "builtin_strategy", "stored_resource"]


def _discovery_order(strategy: Strategy) -> tuple[bool, str, str, str]:
    """The core group first, then groups and resources by name, as discovery lists them."""
    rt = strategy.resource
    return (rt.group != "", rt.group, rt.version, rt.plural)


def _discover() -> tuple[Strategy, ...]:
    found = []
    for module in pkgutil.iter_modules(builtin.__path__):
        strategy = importlib.import_module(f"{builtin.__name__}.{module.name}").STRATEGY
        if not isinstance(strategy, Strategy):
            raise TypeError(f"{module.name}.STRATEGY is not a Strategy")
        found.append(strategy)
    return tuple(sorted(found, key=_discovery_order))


BUILTIN: tuple[Strategy, ...] = _discover()
_BUILTIN_BY_PATH = {(s.resource.group, s.resource.version, s.resource.plural): s for s in BUILTIN}
# A kind served by two groups (Event: core and events.k8s.io) is stored by the one that stores.
_STORED_BY_KIND = {s.resource.kind: s.resource for s in reversed(BUILTIN) if s.stored}


def builtin_strategy(group: str, version: str, plural: str) -> Strategy:
    """The strategy of a built-in resource, e.g. ("apps", "v1", "deployments")."""
    return _BUILTIN_BY_PATH[(group, version, plural)]


def stored_resource(kind: str) -> ResourceType:
    """The resource the objects of a built-in kind are stored as."""
    return _STORED_BY_KIND[kind]


CRD = stored_resource("CustomResourceDefinition")


class Catalog:
    """The served kinds of one cluster: the built-in ones and those its CRDs define."""

    def __init__(self, store: Store) -> None:
        self._store = store
        # CRD name -> (its resourceVersion, its kinds): rebuilt only when the CRD changes.
        self._custom: dict[str, tuple[str, list[CustomKind]]] = {}

    def _custom_kinds(self) -> Iterator[CustomKind]:
        seen = set()
        for crd in self._store.iter(CRD):
            meta = crd["metadata"]
            seen.add(meta["name"])
            cached = self._custom.get(meta["name"])
            if cached is None or cached[0] != meta["resourceVersion"]:
                cached = (meta["resourceVersion"], custom_kinds(crd))
                self._custom[meta["name"]] = cached
            yield from cached[1]
        for name in set(self._custom) - seen:
            del self._custom[name]

    def strategies(self) -> list[Strategy]:
        """Every served kind, built-in first, in discovery order."""
        return [*BUILTIN, *(strategy for strategy, _ in self._custom_kinds())]

    def resources(self) -> list[ResourceType]:
        return [strategy.resource for strategy in self.strategies()]

    def find(self, group: str, version: str, plural: str) -> ResourceType | None:
        """The resource served at /api[s]/GROUP/VERSION/PLURAL, if this server has it."""
        found = _BUILTIN_BY_PATH.get((group, version, plural))
        if found is not None:
            return found.resource
        wanted = ResourceType(group, version, "", plural, False)
        return next((s.resource for s, _ in self._custom_kinds() if s.resource == wanted), None)

    def strategy(self, rt: ResourceType) -> Strategy:
        found = _BUILTIN_BY_PATH.get((rt.group, rt.version, rt.plural))
        if found is not None:
            return found
        for strategy, _ in self._custom_kinds():
            if strategy.resource == rt:
                return strategy
        raise KeyError(rt.qualified)

    def wire_form(self, rt: ResourceType) -> WireForm:
        """How the objects of a served resource are stored."""
        if (rt.group, rt.version, rt.plural) in _BUILTIN_BY_PATH:
            return wire_form(rt)
        return next(form for strategy, form in self._custom_kinds() if strategy.resource == rt)

    def stored_as(self, api_version: str, kind: str) -> ResourceType | None:
        """Where objects of an apiVersion and kind are stored, if this server serves them."""
        for strategy in self.strategies():
            rt = strategy.resource
            if strategy.stored and (rt.group_version, rt.kind) == (api_version, kind):
                return self.wire_form(rt).stored
        return None

    @staticmethod
    def defined_by(rt: ResourceType, obj: Mapping[str, Any]) -> list[ResourceType]:
        """The stored resources a CRD defines (its objects go with it); none for other kinds."""
        if rt != CRD:
            return []
        return list(dict.fromkeys(form.stored for _, form in custom_kinds(obj)))
