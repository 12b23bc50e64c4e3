"""settled(): the cluster has caught up (rollouts done, endpoints follow the ready pods)."""

from __future__ import annotations

import copy

from k9lite.analysis.settled import settled
from k9lite.model.state import ClusterState
from tests.ui import cluster_fixture


def state_of(objects: dict[str, list[dict[str, object]]]) -> ClusterState:
    state = ClusterState()
    for kind, items in objects.items():
        state.replace(kind, items)
    return state


def test_the_default_scenario_at_rest_is_settled() -> None:
    assert settled(state_of(cluster_fixture.raw_objects()))


def test_a_rollout_under_way_is_not() -> None:
    objects = copy.deepcopy(cluster_fixture.raw_objects())
    objects["deployments"][0]["status"]["readyReplicas"] = 1
    assert not settled(state_of(objects))


def test_endpoints_behind_a_changed_selector_are_not() -> None:
    """my-service now selects the pods (the tour's fix), its slice still lists none."""
    objects = copy.deepcopy(cluster_fixture.raw_objects())
    service = next(s for s in objects["services"] if s["metadata"]["name"] == "my-service")
    service["spec"]["selector"] = {"app": "my-app"}  # type: ignore[index]
    assert not settled(state_of(objects))
