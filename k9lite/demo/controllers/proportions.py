"""Proportional scaling: a Deployment scaled in the middle of a rollout (sync.go scale()).

Every active ReplicaSet grows or shrinks by its share of the change, measured against the
`max-replicas` it was last sized for (getReplicaSetFraction); what rounding leaves over goes to
the largest. Ties go to the newest when growing and to the oldest when shrinking.
"""

from __future__ import annotations

import math
from typing import Any

from k9lite.demo.controllers.revisions import MAX_REPLICAS
from k9lite.demo.controllers.rollout_bounds import max_surge

__all__ = ["proportional_sizes"]


def _replicas(rs: dict[str, Any]) -> int:
    return int(rs["spec"].get("replicas", 0))


def _fraction(rs: dict[str, Any], spec: dict[str, Any], status_replicas: int) -> int:
    """getReplicaSetFraction: how many pods this ReplicaSet's share of the change is."""
    desired = int(spec.get("replicas", 1))
    if desired == 0:
        return -_replicas(rs)
    try:
        before = int((rs["metadata"].get("annotations") or {}).get(MAX_REPLICAS, 0))
    except ValueError:
        before = 0
    # Without the annotation (an edited set), the Deployment's pods before the scale.
    before = before or status_replicas
    if before == 0:
        return 0
    # integer.RoundToInt32: half away from zero, and the size is never negative.
    return math.floor(_replicas(rs) * (desired + max_surge(spec)) / before + 0.5) - _replicas(rs)


def proportional_sizes(
    spec: dict[str, Any], status_replicas: int, sets: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], int]]:
    """Each active ReplicaSet of a rolling Deployment with the size it is scaled to."""
    active = sorted(
        (rs for rs in sets if _replicas(rs) > 0),
        key=lambda r: (r["metadata"]["creationTimestamp"], r["metadata"]["name"]),
    )
    desired = int(spec.get("replicas", 1))
    allowed = desired + max_surge(spec) if desired > 0 else 0
    to_add = allowed - sum(_replicas(rs) for rs in active)
    if to_add > 0:
        active.reverse()  # ReplicaSetsBySizeNewer
    active.sort(key=_replicas, reverse=True)  # stable: the tie order above is kept
    sizes: list[tuple[dict[str, Any], int]] = []
    added = 0
    for rs in active:
        share = 0
        if to_add != 0 and added != to_add:
            fraction = _fraction(rs, spec, status_replicas)
            share = min(fraction, to_add - added) if to_add > 0 else max(fraction, to_add - added)
        sizes.append((rs, _replicas(rs) + share))
        added += share
    if sizes and to_add != 0:
        largest, size = sizes[0]
        sizes[0] = (largest, max(0, size + to_add - added))
    return sizes
