"""What a registry entry states about a kind: its resource, its names, its view, what Enter
does and the actions it allows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from k9lite.model.resources import Resource
from k9lite.render.rows import ViewSpec

__all__ = ["Action", "ColumnHint", "Enter", "Kind", "table_kind", "title_of"]


class Action(Enum):
    """What a key may do to the selected object of a kind."""

    DESCRIBE = "describe"
    YAML = "yaml"
    DELETE = "delete"
    SCALE = "scale"
    ROUTE = "route"
    TRAFFIC = "traffic"
    FORWARD = "port-forward"
    SHELL = "shell"
    LOGS = "logs"


Enter = Literal["pods", "namespace"]
"""Enter on a row: the pods it owns, selects or runs; or (a Namespace) switch to it."""

_READ_AND_DELETE = frozenset({Action.DESCRIBE, Action.YAML, Action.DELETE})


@dataclass(frozen=True, slots=True)
class ColumnHint:
    """How a server-side Table column gives way on a narrow terminal (see `ViewColumn`)."""

    priority: int = 0
    min_width: int | None = None
    rest_priority: int | None = None


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind as k9lite shows it.

    `view` turns the model's typed objects into rows (the kinds the route and the doctor read);
    without one, the rows are the server's Table rows, in `kubectl get`'s columns, and
    `column_hints` (by column name) say which give way first at 80 columns.
    """

    resource: Resource
    title: str
    view: ViewSpec | None = None
    aliases: tuple[str, ...] = ()
    column_hints: Mapping[str, ColumnHint] = field(default_factory=dict)
    enter: Enter | None = None
    actions: frozenset[Action] = _READ_AND_DELETE
    conceal_values: bool = False
    """Secrets: the YAML shows each value's size until the user asks for the decoded values."""

    @property
    def name(self) -> str:
        """What the state and the watcher call the kind: the model's name (`pods`), else the
        resource's qualified name (`jobs.batch`)."""
        return self.view.kind if self.view is not None else self.resource.qualified

    @property
    def names(self) -> tuple[str, ...]:
        """Every word that opens it: short names first (what Tab offers first), then the
        aliases, the plural, the singular and the qualified name."""
        r = self.resource
        words = (*r.short_names, *self.aliases, r.plural, r.singular, r.qualified)
        return tuple(dict.fromkeys(word.lower() for word in words if word))


def table_kind(resource: Resource) -> Kind:
    """A kind the registry has no entry for (a custom resource): the server's Table, as is."""
    return Kind(resource, title_of(resource))


def title_of(resource: Resource) -> str:
    """`ReplicaSets`, `Ingresses`: the plural spelled with the Kind's capitals where they agree."""
    kind, plural = resource.kind, resource.plural
    if kind and plural.lower().startswith(kind.lower()):
        return kind + plural[len(kind) :]
    return plural[:1].upper() + plural[1:]
