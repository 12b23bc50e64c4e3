"""The ClusterRole aggregation controller: admin, edit and view hold the rules of their parts.

Follows kubernetes `pkg/controller/clusterroleaggregation`: a ClusterRole with an
aggregationRule gets, in order, the rules of every other ClusterRole its selectors match
(sorted by name, each rule once), so a role labelled `aggregate-to-view` widens `view` at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from k9lite.demo.controllers.base import Controller, Key
from k9lite.demo.registry import Registry, resource
from k9lite.demo.store import StoreEvent, clone
from k9lite.model.selectors import LabelSelector, SelectorError

__all__ = ["ClusterRoleAggregator", "aggregate_all"]


def _selectors(role: dict[str, Any]) -> list[LabelSelector]:
    rule = role.get("aggregationRule")
    raw = rule.get("clusterRoleSelectors") if isinstance(rule, dict) else None
    selectors = []
    for spec in raw if isinstance(raw, list) else []:
        try:
            selectors.append(LabelSelector.from_label_selector(spec))
        except SelectorError:
            continue
    return selectors


def _aggregate(registry: Registry, name: str) -> bool:
    """Give one aggregated ClusterRole its rules; True when they changed."""
    roles = resource("ClusterRole")
    role = registry.store.find(roles, "", name)
    if role is None or not role.get("aggregationRule"):
        return False
    rules: list[Any] = []
    for selector in _selectors(role):
        for other in registry.store.iter(roles):
            if other["metadata"]["name"] == name:
                continue
            if selector.matches(other["metadata"].get("labels") or {}):
                rules.extend(r for r in other.get("rules") or [] if r not in rules)
    if rules == (role.get("rules") or []):
        return False
    updated = clone(role)
    updated["rules"] = rules
    registry.store.replace(roles, updated)
    return True


def aggregate_all(registry: Registry) -> None:
    """Settle every aggregated ClusterRole; a chain (view, edit, admin) takes a pass per link."""
    names = [
        role["metadata"]["name"]
        for role in registry.store.iter(resource("ClusterRole"))
        if role.get("aggregationRule")
    ]
    for _ in range(len(names) + 1):
        if not any([_aggregate(registry, name) for name in names]):
            return


class ClusterRoleAggregator(Controller):
    """Re-aggregates every aggregated ClusterRole when any ClusterRole changes."""

    name = "clusterrole-aggregation-controller"
    kinds = ("ClusterRole",)

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        return self.resync()

    def resync(self) -> Iterable[Key]:
        return [
            ("", role["metadata"]["name"])
            for role in self.store.iter(resource("ClusterRole"))
            if role.get("aggregationRule")
        ]

    def reconcile(self, key: Key) -> float | None:
        _aggregate(self.registry, key[1])
        return None
