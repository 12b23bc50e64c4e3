"""How far a rolling update may go past or below a Deployment's replicas (deployment_util.go).

maxSurge and maxUnavailable are ints or percentages of `spec.replicas`; a percentage of surge
rounds up and one of unavailability rounds down, as `GetScaledValueFromIntOrPercent` does.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["max_surge", "max_unavailable", "new_replica_set_replicas", "scaled_value"]


def scaled_value(value: int | str | None, total: int, *, round_up: bool) -> int:
    """An IntOrString of a rolling update as a count of pods out of `total`."""
    if isinstance(value, str) and value.endswith("%"):
        exact = int(value[:-1]) * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(value or 0)


def _is_rolling(spec: dict[str, Any]) -> bool:
    return bool(spec.get("strategy", {}).get("type", "RollingUpdate") == "RollingUpdate")


def _fenceposts(spec: dict[str, Any]) -> tuple[int, int]:
    """ResolveFenceposts: (surge, unavailable); both zero after rounding makes unavailable 1."""
    rolling = spec.get("strategy", {}).get("rollingUpdate") or {}
    desired = int(spec.get("replicas", 1))
    surge = scaled_value(rolling.get("maxSurge", "25%"), desired, round_up=True)
    unavailable = scaled_value(rolling.get("maxUnavailable", "25%"), desired, round_up=False)
    # Validation refuses 0 and 0, but a percentage rounded down may still reach it: then the
    # controller lets one pod go rather than rely on a surge a quota might refuse.
    return (surge, 1) if surge == 0 and unavailable == 0 else (surge, unavailable)


def max_surge(spec: dict[str, Any]) -> int:
    """MaxSurge: pods allowed above `spec.replicas` (0 for Recreate)."""
    return _fenceposts(spec)[0] if _is_rolling(spec) else 0


def max_unavailable(spec: dict[str, Any]) -> int:
    """MaxUnavailable: pods allowed below `spec.replicas`, never more than the replicas."""
    desired = int(spec.get("replicas", 1))
    if not _is_rolling(spec) or desired == 0:
        return 0
    return min(_fenceposts(spec)[1], desired)


def new_replica_set_replicas(spec: dict[str, Any], total: int, new: int) -> int:
    """NewRSNewReplicas: the new ReplicaSet's size when all sets ask `total` pods, it `new`."""
    desired = int(spec.get("replicas", 1))
    if not _is_rolling(spec):
        return desired
    room = desired + max_surge(spec) - total
    if room <= 0:
        return new
    return new + min(room, desired - new)
