"""The noep-* scenarios: one classic cause each of "my Service has no endpoints" (or endpoints
that do not answer), seen as a student sees it with kubectl."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest

from k9lite.demo.cluster import DemoCluster
from tests.conftest import FAST, Kubectl, wait_for

SCENARIOS = ("noep-typo", "noep-namespace", "noep-unready", "noep-image", "noep-targetport")


@pytest.fixture(scope="module")
def cluster() -> Iterator[DemoCluster]:
    with DemoCluster(dataclasses.replace(FAST, scenarios=SCENARIOS)) as demo:
        yield demo


def endpoints(kubectl: Kubectl, service: str, namespace: str = "default") -> list[dict[str, Any]]:
    """The endpoints of a Service's EndpointSlices."""
    slices = json.loads(
        kubectl(
            "get",
            "endpointslices",
            "-n",
            namespace,
            "-l",
            f"kubernetes.io/service-name={service}",
            "-o",
            "json",
        )
    )["items"]
    return [e for s in slices for e in s.get("endpoints") or ()]


def pod_states(kubectl: Kubectl, app: str, namespace: str = "default") -> list[str]:
    """The STATUS column of `kubectl get pods` for the app's pods."""
    rows = kubectl("get", "pods", "-n", namespace, "-l", f"app={app}", "--no-headers")
    return sorted(row.split()[2] for row in rows.splitlines())


def test_selector_typo(kubectl: Kubectl) -> None:
    wait_for(lambda: pod_states(kubectl, "shop") == ["Running"] * 2, message="shop pods")
    assert endpoints(kubectl, "shop") == []
    assert kubectl("get", "endpoints", "shop", "--no-headers").split()[1] == "<none>"
    selector = kubectl("get", "svc", "shop", "-o", "jsonpath={.spec.selector.app}")
    assert selector == "shpo"


def test_pods_in_another_namespace(kubectl: Kubectl) -> None:
    wait_for(
        lambda: pod_states(kubectl, "api", "backend") == ["Running"] * 2,
        message="api pods in backend",
    )
    assert pod_states(kubectl, "api") == []
    assert endpoints(kubectl, "api") == []


def test_pods_not_ready(kubectl: Kubectl) -> None:
    wait_for(
        lambda: [e["conditions"]["ready"] for e in endpoints(kubectl, "checkout")] == [False] * 2,
        message="two unready checkout endpoints",
    )
    assert pod_states(kubectl, "checkout") == ["Running"] * 2
    ready = kubectl(
        "get",
        "pods",
        "-l",
        "app=checkout",
        "-o",
        "jsonpath={.items[*].status.conditions[?(@.type=='Ready')].status}",
    )
    assert ready.split() == ["False", "False"]
    reasons = kubectl("get", "events", "--field-selector", "reason=Unhealthy", "-o", "json")
    messages = [e["message"] for e in json.loads(reasons)["items"]]
    assert any(
        m.startswith('Readiness probe failed: Get "http://') and ':8080/healthz": dial tcp' in m
        for m in messages
    ), messages


def test_image_pull_failure(kubectl: Kubectl) -> None:
    wait_for(
        lambda: pod_states(kubectl, "payments") == ["ImagePullBackOff"] * 2,
        message="payments in ImagePullBackOff",
    )
    assert [e["conditions"]["ready"] for e in endpoints(kubectl, "payments")] == [False] * 2


def test_target_port_mismatch(kubectl: Kubectl) -> None:
    wait_for(
        lambda: [e["conditions"]["ready"] for e in endpoints(kubectl, "catalog")] == [True] * 2,
        message="two ready catalog endpoints",
    )
    # The API server's service proxy dials an endpoint's port 8080, where nothing listens.
    proxied = kubectl.run(
        "get", "--raw", "/api/v1/namespaces/default/services/catalog/proxy/", check=False
    )
    assert proxied.returncode != 0
    assert "Hello" not in proxied.stdout
