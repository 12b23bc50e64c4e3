"""A Deployment as `kubectl describe deployment` prints it, with its ReplicaSets and pods."""

from __future__ import annotations

from datetime import datetime

from k9lite.model.state import ClusterState
from k9lite.model.workloads import Deployment, ReplicaSet
from k9lite.render.describe_fields import (
    add_annotations,
    add_head,
    add_labels,
    add_pod_table,
    describe_time,
    or_none,
)
from k9lite.render.describe_pods import add_container_basics
from k9lite.render.literal import literal

__all__ = ["describe_deployment"]

_TEMPLATE_HASH = "pod-template-hash"


def describe_deployment(
    lines: list[str], d: Deployment, state: ClusterState, now: datetime
) -> None:
    add_head(lines, d.meta)
    lines.append(f"CreationTimestamp:\t{describe_time(d.meta.creation_timestamp)}")
    add_labels(lines, "Labels", d.meta.labels)
    add_annotations(lines, d.meta.annotations)
    lines.append(f"Selector:\t{or_none(literal(str(d.selector)))}")
    unavailable = max(d.replicas - d.available_replicas, 0)
    lines.append(
        f"Replicas:\t{d.replicas} desired | {d.updated_replicas} updated | "
        f"{d.status_replicas} total | {d.available_replicas} available | "
        f"{unavailable} unavailable"
    )
    lines.append(f"StrategyType:\t{literal(d.strategy_type)}")
    lines.append("Pod Template:")
    add_labels(lines, "Labels", d.template.labels, indent="  ")
    lines.append("  Containers:")
    for container in d.template.containers:
        lines.append(f"   {literal(container.name)}:")
        add_container_basics(lines, container, "    ")
    if d.conditions:
        lines += ["Conditions:", "  Type\tStatus\tReason", "  ----\t------\t------"]
        lines.extend(
            f"  {literal(c.type)} \t{literal(c.status)}\t{literal(c.reason)}" for c in d.conditions
        )
    new, old = _replica_sets(d, state.replica_sets_of(d.meta.uid))
    lines.append(f"OldReplicaSets:\t{or_none(', '.join(_rs_text(rs) for rs in old))}")
    lines.append(f"NewReplicaSet:\t{'<none>' if new is None else _rs_text(new)}")
    add_pod_table(lines, "Pods", state.pods_of(d.meta.uid))


def _replica_sets(
    d: Deployment, owned: list[ReplicaSet]
) -> tuple[ReplicaSet | None, list[ReplicaSet]]:
    """(new, old): the new one's template equals the Deployment's, but for pod-template-hash;
    kubectl lists only old ones still asked for pods."""
    new = next((rs for rs in owned if _same_template(rs, d)), None)
    return new, [rs for rs in owned if rs is not new and rs.replicas != 0]


def _same_template(rs: ReplicaSet, d: Deployment) -> bool:
    labels = {k: v for k, v in rs.template.labels.items() if k != _TEMPLATE_HASH}
    return labels == dict(d.template.labels) and rs.template.containers == d.template.containers


def _rs_text(rs: ReplicaSet) -> str:
    return f"{literal(rs.meta.name)} ({rs.status_replicas}/{rs.replicas} replicas created)"
