"""Stored objects share their equal subtrees (sharing.py), and a write to one object never shows
in another: the served JSON of a sibling pod stays byte for byte what it was."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from k9lite.demo.cluster import ClusterRuntime, DemoCluster
from k9lite.demo.registry import resource
from k9lite.demo.sharing import share
from tests.demo.test_api_errors import connect

MERGE = {"Content-Type": "application/merge-patch+json"}


def test_equal_json_is_one_object_and_anything_else_is_not() -> None:
    first = share({"spec": {"ports": [{"port": 80}], "flags": {"a": 1, "b": True}}})
    second = share({"spec": {"ports": [{"port": 80}], "flags": {"a": 1, "b": True}}})
    assert second is first and second["spec"]["ports"] is first["spec"]["ports"]
    # Equal in Python is not enough: key order, true against 1, 1.0 against 1, -0.0 against 0.0
    # serialise differently, and a shared node must serialise as the one it replaces.
    for other in ({"b": True, "a": 1}, {"a": 1, "b": 1}, {"a": 1.0, "b": True}):
        shared = share(other)
        assert shared is other and orjson.dumps(shared) == orjson.dumps(other)
    assert orjson.dumps(share([-0.0])) == b"[-0.0]" and orjson.dumps(share([0.0])) == b"[0.0]"


def _siblings(rt: ClusterRuntime) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two stored pods of one ReplicaSet."""
    by_owner: dict[str, list[dict[str, Any]]] = {}
    for pod in rt.store.iter(resource("Pod")):
        for ref in pod["metadata"].get("ownerReferences") or ():
            by_owner.setdefault(ref["uid"], []).append(pod)
    first, second = next(pods for pods in by_owner.values() if len(pods) >= 2)[:2]
    return first, second


@pytest.fixture
def http(cluster: DemoCluster) -> Iterator[httpx.Client]:
    with connect(cluster) as raw:
        yield raw


def test_sibling_pods_share_subtrees_and_a_write_to_one_leaves_the_other_as_it_was(
    cluster: DemoCluster, http: httpx.Client
) -> None:
    first, second = cluster.call(_siblings)
    assert first["metadata"]["ownerReferences"] is second["metadata"]["ownerReferences"]
    assert first["metadata"]["labels"] is second["metadata"]["labels"]
    assert first["spec"]["tolerations"] is second["spec"]["tolerations"]
    # Strings too; an image's digest is the image's, one string for all its pods.
    assert first["metadata"]["namespace"] is second["metadata"]["namespace"]
    (first_status,), (second_status,) = (
        pod["status"]["containerStatuses"] for pod in (first, second)
    )
    assert first_status["imageID"] is second_status["imageID"]
    shared_bytes = orjson.dumps(second["spec"]["tolerations"])
    url = f"/api/v1/namespaces/{first['metadata']['namespace']}/pods"
    sibling_url = f"{url}/{second['metadata']['name']}"
    before = http.get(sibling_url)
    assert before.status_code == 200

    # Change, in the first pod, the very subtrees the two share.
    labels = {**first["metadata"]["labels"], "tier": "changed"}
    tolerations = [{**first["spec"]["tolerations"][0], "tolerationSeconds": 7}]
    for body in (
        {"metadata": {"labels": labels, "annotations": {"note": "one pod only"}}},
        {"spec": {"tolerations": [*first["spec"]["tolerations"], *tolerations]}},
    ):
        patched = http.patch(f"{url}/{first['metadata']['name']}", json=body, headers=MERGE)
        assert patched.status_code == 200, patched.text
    changed = patched.json()
    assert changed["metadata"]["labels"]["tier"] == "changed"
    assert changed["spec"]["tolerations"][-1]["tolerationSeconds"] == 7

    after = http.get(sibling_url)
    assert after.status_code == 200
    assert (
        after.json()["metadata"]["resourceVersion"] == before.json()["metadata"]["resourceVersion"]
    )
    assert after.content == before.content
    assert orjson.dumps(second["spec"]["tolerations"]) == shared_bytes
