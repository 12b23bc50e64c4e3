"""Reads from a resourceVersion the store has not reached, as after a restart with fresh state.

Followed: k8s.io/apiserver storage/errors.go NewTooLargeResourceVersionError (504 Timeout,
message "Timeout: Too large resource version: R, current: C", cause ResourceVersionTooLarge,
retryAfterSeconds 1), raised by the watch cache's waitUntilFreshAndBlock after its 3 s
blockTimeout; watch errors are sent as one ERROR event (cacher.Watch, newErrWatcher).
"""

from __future__ import annotations

import concurrent.futures
import json
from typing import Any

import httpx
import pytest
from kubernetes import client, watch
from kubernetes.client.exceptions import ApiException

from k9lite.demo.cluster import ClusterRuntime, DemoCluster
from tests.demo.test_api_errors import PODS, assert_status

AHEAD = 10_000_000


@pytest.fixture(autouse=True)
def short_wait(cluster: DemoCluster) -> None:
    """Refuse after 0.2 s instead of the real 3 s: the answer is the same, the tests faster."""

    def shorten(rt: ClusterRuntime) -> None:
        rt.server.handlers.freshness_timeout = 0.2

    cluster.call(shorten)


def current_version(raw: httpx.Client) -> int:
    return int(raw.get(PODS).json()["metadata"]["resourceVersion"])


def assert_too_large(status: dict[str, Any], requested: int) -> None:
    assert status["code"] == 504 and status["reason"] == "Timeout", status
    assert status["message"].startswith(f"Timeout: Too large resource version: {requested}, ")
    assert status["details"] == {
        "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
        "retryAfterSeconds": 1,
    }


def test_list_and_get_ahead_of_the_store_are_too_large(raw: httpx.Client) -> None:
    current = current_version(raw)
    response = raw.get(PODS, params={"resourceVersion": str(current + AHEAD)})
    status = assert_status(response, 504, "Timeout")
    assert_too_large(status, current + AHEAD)
    assert status["message"].endswith(f", current: {current}")
    assert response.headers["Retry-After"] == "1"
    name = raw.get(PODS).json()["items"][0]["metadata"]["name"]
    response = raw.get(f"{PODS}/{name}", params={"resourceVersion": str(current + AHEAD)})
    assert_too_large(assert_status(response, 504, "Timeout"), current + AHEAD)
    # "0" means any version, and a version the store has reached is served.
    assert raw.get(PODS, params={"resourceVersion": "0"}).status_code == 200
    assert raw.get(PODS, params={"resourceVersion": str(current)}).status_code == 200


def test_watch_ahead_of_the_store_ends_with_an_error_event(raw: httpx.Client) -> None:
    current = current_version(raw)
    params = {"watch": "true", "resourceVersion": str(current + AHEAD), "timeoutSeconds": "5"}
    with raw.stream("GET", PODS, params=params) as response:
        assert response.status_code == 200
        events = [json.loads(line) for line in response.iter_lines() if line]
    assert [e["type"] for e in events] == ["ERROR"]
    assert_too_large(events[0]["object"], current + AHEAD)


def test_a_version_the_store_reaches_while_waiting_is_served(
    raw: httpx.Client, cluster: DemoCluster
) -> None:
    def restore(rt: ClusterRuntime) -> None:
        rt.server.handlers.freshness_timeout = 10.0

    cluster.call(restore)
    wanted = current_version(raw) + 1
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        listing = pool.submit(raw.get, PODS, params={"resourceVersion": str(wanted)})
        patch = {"metadata": {"labels": {"touched": "yes"}}}
        touched = raw.patch(
            "/api/v1/namespaces/default",
            content=json.dumps(patch),
            headers={"Content-Type": "application/merge-patch+json"},
        )
        assert touched.status_code == 200, touched.text
        response = listing.result(timeout=15)
    assert response.status_code == 200, response.text
    assert int(response.json()["metadata"]["resourceVersion"]) >= wanted


def test_official_client_is_told_to_relist(official: client.ApiClient, raw: httpx.Client) -> None:
    core = client.CoreV1Api(official)
    ahead = str(current_version(raw) + AHEAD)
    with pytest.raises(ApiException) as caught:
        core.list_namespaced_pod("default", resource_version=ahead)
    assert caught.value.status == 504
    assert_too_large(json.loads(caught.value.body), int(ahead))
    # The client's watch raises on an ERROR event that is not a 410 (kubernetes/watch/watch.py).
    with pytest.raises(ApiException) as caught:
        for _ in watch.Watch().stream(
            core.list_namespaced_pod, "default", resource_version=ahead, timeout_seconds=5
        ):
            pass
    assert caught.value.status == 504
    assert f"Too large resource version: {ahead}" in str(caught.value.reason)
