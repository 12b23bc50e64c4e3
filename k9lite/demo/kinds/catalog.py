"""Every kind the server serves: the modules of `kinds/builtin/`, found by walking the package
(adding a kind is adding a file)."""

from __future__ import annotations

import importlib
import pkgutil

from k9lite.demo.kinds import builtin
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.wire_forms import WireForm, wire_form

__all__ = ["BUILTIN", "Catalog", "builtin_strategy", "stored_resource"]


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


class Catalog:
    """The served kinds of one cluster."""

    def strategies(self) -> list[Strategy]:
        """Every served kind, in discovery order."""
        return list(BUILTIN)

    def resources(self) -> list[ResourceType]:
        return [strategy.resource for strategy in self.strategies()]

    def find(self, group: str, version: str, plural: str) -> ResourceType | None:
        """The resource served at /api[s]/GROUP/VERSION/PLURAL, if this server has it."""
        found = _BUILTIN_BY_PATH.get((group, version, plural))
        return None if found is None else found.resource

    def strategy(self, rt: ResourceType) -> Strategy:
        return _BUILTIN_BY_PATH[(rt.group, rt.version, rt.plural)]

    def wire_form(self, rt: ResourceType) -> WireForm:
        """How the objects of a served resource are stored."""
        return wire_form(rt)

    def stored_as(self, api_version: str, kind: str) -> ResourceType | None:
        """Where objects of an apiVersion and kind are stored, if this server serves them."""
        for strategy in self.strategies():
            rt = strategy.resource
            if strategy.stored and (rt.group_version, rt.kind) == (api_version, kind):
                return self.wire_form(rt).stored
        return None
