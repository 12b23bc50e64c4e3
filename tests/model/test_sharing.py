"""Compact storage: objects decoded from equal JSON share one copy of what they repeat, and a
large list is frozen out of the collector's sight as soon as it is stored."""

from __future__ import annotations

import copy
import gc
from collections.abc import Iterator

import orjson
import pytest

from k9lite.model.collector import LARGE_LIST
from k9lite.model.fields import DecodeError
from k9lite.model.pods import Pod, decode_pod
from k9lite.model.state import ClusterState
from tests.model.manifests import running_pod

OWNER = ("ReplicaSet", "web-5d8f", "uid-rs-web")


def _from_wire(raw: object) -> object:
    """A fresh copy, every string its own object, as orjson gives each page."""
    return orjson.loads(orjson.dumps(raw))


def test_pods_of_one_replica_set_share_what_they_repeat() -> None:
    first, second = (
        decode_pod(_from_wire(running_pod(name, "shop", node="worker7", owner=OWNER)))
        for name in ("web-5d8f-a", "web-5d8f-b")
    )
    assert first.meta.name != second.meta.name
    assert first.meta.namespace is second.meta.namespace
    assert first.node_name is second.node_name
    assert first.meta.labels is second.meta.labels
    assert first.meta.owner_references is second.meta.owner_references
    assert first.meta.creation_timestamp is second.meta.creation_timestamp
    assert first.conditions is second.conditions
    assert first.containers is second.containers
    assert first.container_statuses is second.container_statuses


def test_pods_differing_in_one_field_keep_their_own_value() -> None:
    raw = running_pod("web-a", owner=OWNER)
    restarted = copy.deepcopy(raw)
    restarted["metadata"]["name"] = "web-b"
    restarted["status"]["containerStatuses"][0]["restartCount"] = 3
    restarted["status"]["conditions"][1]["status"] = "False"
    one, other = decode_pod(_from_wire(raw)), decode_pod(_from_wire(restarted))
    assert [s.restart_count for s in (*one.container_statuses, *other.container_statuses)] == [
        0,
        3,
    ]
    assert one.is_ready and not other.is_ready


def test_a_shared_valid_value_does_not_hide_a_malformed_one() -> None:
    """JSON true is no integer even where an equal number decoded before (True == 1 in Python)."""
    raw = running_pod("web-a")
    raw["status"]["containerStatuses"][0]["restartCount"] = 1
    decode_pod(_from_wire(raw))
    raw["status"]["containerStatuses"][0]["restartCount"] = True
    with pytest.raises(DecodeError, match="restartCount: expected integer, got boolean"):
        decode_pod(_from_wire(raw))
    owner = running_pod("web-b", owner=OWNER)
    decode_pod(_from_wire(owner))
    owner["metadata"]["ownerReferences"][0]["controller"] = 1
    with pytest.raises(DecodeError, match="controller: expected boolean, got number"):
        decode_pod(_from_wire(owner))


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Whatever a test froze goes back to the collector after it."""
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_a_large_list_is_frozen_once_stored_a_small_one_is_not() -> None:
    state = ClusterState()
    gc.unfreeze()
    state.replace("pods", [running_pod(f"web-{n}", uid=f"uid-{n}") for n in range(10)])
    assert gc.get_freeze_count() == 0
    pods = [running_pod(f"web-{n}", uid=f"uid-{n}") for n in range(LARGE_LIST)]
    state.replace("pods", pods)
    assert gc.get_freeze_count() > 0
    stored = state.get("pods", "default", "web-0")
    assert isinstance(stored, Pod)
    # Frozen: in no generation a collection walks.
    assert not any(obj is stored for obj in gc.get_objects())
    assert gc.isenabled()
