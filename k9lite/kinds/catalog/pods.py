"""Pods: kubectl's columns with IP and NODE kept at 80 columns (what k9lite is about)."""

from __future__ import annotations

from k9lite.kinds.base import Action, Kind
from k9lite.model.durations import human_duration
from k9lite.model.kinds import RESOURCES
from k9lite.model.pods import Pod
from k9lite.render.rows import RowContext, ViewSpec, age, age_column, column


def _pod(p: Pod, context: RowContext) -> tuple[str, ...]:
    columns = p.columns()
    restarts = str(columns.restarts)
    if columns.last_restart is not None:
        restarts += f" ({human_duration(context.now - columns.last_restart)} ago)"
    return (
        p.meta.name,
        f"{columns.ready}/{columns.total}",
        columns.status,
        restarts,
        age(p, context.now),
        p.pod_ip or "<none>",
        p.node_name or "<none>",
    )


KIND = Kind(
    RESOURCES["pods"],
    "Pods",
    ViewSpec(
        "pods",
        "Pods",
        True,
        # At 80 columns RESTARTS and AGE give way: IP and NODE are what k9lite is about. A
        # pod's name is cut in the middle, keeping the random suffix that tells it apart.
        (
            column("NAME", min_width=18, cut="middle"),
            column("READY"),
            column("STATUS"),
            column("RESTARTS", "number", priority=2),
            age_column(1),
            column("IP"),
            column("NODE", min_width=12, cut="middle"),
        ),
        _pod,
        "Pod",
    ),
    actions=frozenset(
        {Action.DESCRIBE, Action.YAML, Action.DELETE, Action.LOGS, Action.FORWARD, Action.SHELL}
    ),
)
