"""Deployments: kubectl's columns, the wide ones giving way first; Enter lists their pods."""

from __future__ import annotations

from k9lite.kinds.base import Action, Kind
from k9lite.model.kinds import RESOURCES
from k9lite.model.workloads import Deployment
from k9lite.render.rows import NAME, RowContext, ViewSpec, age, age_column, column


def _deployment(d: Deployment, context: RowContext) -> tuple[str, ...]:
    containers = d.template.containers
    return (
        d.meta.name,
        f"{d.ready_replicas}/{d.replicas}",
        str(d.updated_replicas),
        str(d.available_replicas),
        age(d, context.now),
        ",".join(c.name for c in containers) or "<none>",
        ",".join(c.image for c in containers) or "<none>",
        str(d.selector) or "<none>",
    )


KIND = Kind(
    RESOURCES["deployments"],
    "Deployments",
    ViewSpec(
        "deployments",
        "Deployments",
        True,
        (
            NAME,
            column("READY"),
            column("UP-TO-DATE", "number", priority=2),
            column("AVAILABLE", "number"),
            age_column(1),
            column("CONTAINERS", priority=4, min_width=10),
            column("IMAGES", priority=3, min_width=12),
            column("SELECTOR", priority=4, min_width=12),
        ),
        _deployment,
        "Deployment",
    ),
    aliases=("dp",),
    enter="pods",
    actions=frozenset({Action.DESCRIBE, Action.YAML, Action.DELETE, Action.SCALE, Action.LOGS}),
)
