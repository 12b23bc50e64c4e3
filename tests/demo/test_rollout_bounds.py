"""The rolling update's bounds and the revision annotations, as deployment_util.go computes
them (GetScaledValueFromIntOrPercent, ResolveFenceposts, NewRSNewReplicas,
SetNewReplicaSetAnnotations)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from k9lite.demo.controllers.proportions import proportional_sizes
from k9lite.demo.controllers.revisions import REVISION, set_new_annotations
from k9lite.demo.controllers.rollout_bounds import (
    max_surge,
    max_unavailable,
    new_replica_set_replicas,
    scaled_value,
)


def _spec(replicas: int, surge: int | str, unavailable: int | str) -> dict[str, Any]:
    return {
        "replicas": replicas,
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
        },
    }


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "bounds"),
    [
        (4, "25%", "25%", (1, 1)),
        (10, "25%", "25%", (3, 2)),  # 2.5 pods: surge rounds up, unavailable down
        (3, "25%", "25%", (1, 0)),  # 0.75: surge 1, unavailable 0, which stays 0 as surge is 1
        (1, "25%", "25%", (1, 0)),
        (3, 0, "10%", (0, 1)),  # both round to 0: unavailable becomes 1
        (2, 1, 5, (1, 2)),  # never more unavailable than replicas
        (0, "25%", "25%", (0, 0)),
    ],
)
def test_surge_and_unavailable(
    replicas: int, surge: int | str, unavailable: int | str, bounds: tuple[int, int]
) -> None:
    spec = _spec(replicas, surge, unavailable)
    assert (max_surge(spec), max_unavailable(spec)) == bounds


def test_recreate_has_no_surge_and_no_unavailability() -> None:
    spec = {"replicas": 4, "strategy": {"type": "Recreate"}}
    assert (max_surge(spec), max_unavailable(spec)) == (0, 0)
    assert new_replica_set_replicas(spec, total=4, new=0) == 4


@given(st.integers(0, 100), st.integers(0, 1000))
def test_a_percentage_rounds_up_for_surge_and_down_for_unavailable(
    percent: int, total: int
) -> None:
    up = scaled_value(f"{percent}%", total, round_up=True)
    down = scaled_value(f"{percent}%", total, round_up=False)
    assert down <= percent * total / 100 <= up
    assert up - down == (0 if percent * total % 100 == 0 else 1)


def test_the_new_replica_set_grows_within_the_surge() -> None:
    spec = _spec(4, "25%", "25%")
    assert new_replica_set_replicas(spec, total=4, new=0) == 1  # 4 old + 1 = 5 at most
    assert new_replica_set_replicas(spec, total=5, new=1) == 1  # full: wait for old to go
    assert new_replica_set_replicas(spec, total=3, new=1) == 3  # two gone: two more
    assert new_replica_set_replicas(spec, total=0, new=0) == 4  # never past replicas


def test_a_template_brought_back_takes_the_next_revision_and_remembers_its_old_ones() -> None:
    deploy = {
        "metadata": {
            "annotations": {
                "kubernetes.io/change-cause": "undo",
                REVISION: "7",
                "kubectl.kubernetes.io/last-applied-configuration": "{}",
            }
        },
        "spec": _spec(4, "25%", "25%"),
    }
    annotations = {REVISION: "3", "deployment.kubernetes.io/revision-history": "1"}
    assert set_new_annotations(deploy, annotations, 5, exists=True)
    assert annotations == {
        REVISION: "5",
        "deployment.kubernetes.io/revision-history": "1,3",
        "kubernetes.io/change-cause": "undo",
    }
    assert not set_new_annotations(deploy, annotations, 5, exists=True)
    fresh: dict[str, str] = {}
    set_new_annotations(deploy, fresh, 1, exists=False)
    assert fresh["deployment.kubernetes.io/max-replicas"] == "5"
    assert fresh["deployment.kubernetes.io/desired-replicas"] == "4"


def _replica_set(name: str, created: str, replicas: int, max_replicas: int) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "creationTimestamp": created,
            "annotations": {"deployment.kubernetes.io/max-replicas": str(max_replicas)},
        },
        "spec": {"replicas": replicas},
    }


def test_scaling_in_the_middle_of_a_rollout_shares_the_change_in_proportion() -> None:
    # The documentation's example (concepts/workloads/controllers/deployment, "Proportional
    # scaling"): 10 replicas, maxSurge 3, a rollout stuck at 8 old and 5 new, scaled to 15:
    # 18 pods allowed, 5 more, 3 to the old ReplicaSet and 2 to the new one.
    old = _replica_set("old", "2026-01-01T00:00:00Z", 8, 13)
    new = _replica_set("new", "2026-01-02T00:00:00Z", 5, 13)
    spec = _spec(15, 3, 2)
    sizes = proportional_sizes(spec, 13, [old, new])
    assert [(rs["metadata"]["name"], size) for rs, size in sizes] == [("old", 11), ("new", 7)]
    # Scaled to 0: every set to 0.
    assert [size for _, size in proportional_sizes(_spec(0, 3, 2), 13, [old, new])] == [0, 0]
    # Back down from 18 to 13 (10 + 3): the sets return to their shares.
    grown = [
        _replica_set("old", old["metadata"]["creationTimestamp"], 11, 18),
        _replica_set("new", new["metadata"]["creationTimestamp"], 7, 18),
    ]
    assert [size for _, size in proportional_sizes(_spec(10, 3, 2), 18, grown)] == [8, 5]
