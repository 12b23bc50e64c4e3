"""Namespaces: Enter switches to one (and to its pods)."""

from __future__ import annotations

from k9lite.kinds.base import Action, Kind
from k9lite.model.cluster import Namespace
from k9lite.model.kinds import RESOURCES
from k9lite.render.rows import NAME, RowContext, ViewSpec, age, age_column, column


def _namespace(ns: Namespace, context: RowContext) -> tuple[str, ...]:
    return ns.meta.name, ns.phase, age(ns, context.now)


KIND = Kind(
    RESOURCES["namespaces"],
    "Namespaces",
    ViewSpec(
        "namespaces",
        "Namespaces",
        False,
        (NAME, column("STATUS"), age_column(0)),
        _namespace,
        "Namespace",
    ),
    enter="namespace",
    actions=frozenset({Action.DESCRIBE, Action.YAML, Action.DELETE}),
)
