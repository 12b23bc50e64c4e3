"""Nodes: status, roles, internal IP and how many pods each runs; Enter lists those pods."""

from __future__ import annotations

from k9lite.kinds.base import Action, Kind
from k9lite.model.cluster import Node
from k9lite.model.kinds import RESOURCES
from k9lite.render.rows import NAME, RowContext, ViewSpec, age, age_column, column


def _node(node: Node, context: RowContext) -> tuple[str, ...]:
    return (
        node.meta.name,
        node.status,
        ",".join(node.roles) or "<none>",
        ",".join(node.internal_ips) or "<none>",
        str(len(context.state.pods_on_node(node.meta.name))),
        age(node, context.now),
    )


KIND = Kind(
    RESOURCES["nodes"],
    "Nodes",
    ViewSpec(
        "nodes",
        "Nodes",
        False,
        (
            NAME,
            column("STATUS"),
            column("ROLES", priority=2, min_width=8),
            column("INTERNAL-IP"),
            column("PODS", "number"),
            age_column(1),
        ),
        _node,
        "Node",
    ),
    enter="pods",
    actions=frozenset({Action.DESCRIBE, Action.YAML}),
)
