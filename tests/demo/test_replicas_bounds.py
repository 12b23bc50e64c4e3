"""Replicas are bounded: int32 as the real decoder, a demo-wide pod cap, a node's pod network.

Followed: apiserver endpoints/handlers/patch.go (a patch whose result does not decode: 422 on
the field `patch`), create.go/update.go transformDecodeError (a body that does not decode: 400),
Go encoding/json's overflow message; the cap answers as a denying ValidatingAdmissionPolicy
(admission.NewForbidden, reason Invalid, 422); host-local IPAM's "no IP addresses available".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from k9lite.demo.cluster import ClusterRuntime, DemoCluster, DemoOptions
from k9lite.demo.registry import resource
from tests.conftest import Kubectl, wait_for
from tests.demo.test_api_errors import DEPLOYMENTS, MERGE_PATCH, PODS, assert_status, connect

SCALE = f"{DEPLOYMENTS}/hostname-server/scale"


def deployment(name: str, replicas: int) -> dict[str, Any]:
    labels = {"app": name}
    return {
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]},
            },
        },
    }


def replicas_of(raw: httpx.Client, name: str = "hostname-server") -> int:
    replicas: int = raw.get(f"{DEPLOYMENTS}/{name}").json()["spec"]["replicas"]
    return replicas


def test_kubectl_scale_past_int32_is_refused(kubectl: Kubectl, raw: httpx.Client) -> None:
    result = kubectl.run("scale", "deploy", "hostname-server", "--replicas=2147483648", check=False)
    assert result.returncode == 1
    assert 'is invalid: patch: Invalid value: "{' in result.stderr, result.stderr
    assert result.stderr.rstrip().endswith(
        "json: cannot unmarshal number 2147483648 into Go struct field "
        "ScaleSpec.spec.replicas of type int32"
    ), result.stderr
    assert replicas_of(raw) == 2


def test_json_bodies_past_int32_are_bad_requests(raw: httpx.Client) -> None:
    scale = raw.get(SCALE).json()
    scale["spec"]["replicas"] = 2147483648
    status = assert_status(raw.put(SCALE, json=scale), 400, "BadRequest")
    assert status["message"] == (
        'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal number '
        "2147483648 into Go struct field ScaleSpec.spec.replicas of type int32"
    )
    status = assert_status(
        raw.post(DEPLOYMENTS, json=deployment("huge", 99999999999)), 400, "BadRequest"
    )
    assert status["message"].startswith(
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal '
        "number 99999999999 into Go struct field DeploymentSpec.spec.replicas of type int32"
    )
    patch = json.dumps({"spec": {"replicas": -2147483649}})
    response = raw.patch(f"{DEPLOYMENTS}/hostname-server", content=patch, headers=MERGE_PATCH)
    status = assert_status(response, 422, "Invalid")
    assert status["message"].startswith(' "" is invalid: patch: Invalid value: "{')
    assert [c["field"] for c in status["details"]["causes"]] == ["patch"]
    assert replicas_of(raw) == 2
    assert raw.get(f"{DEPLOYMENTS}/huge").status_code == 404


def test_the_pod_cap_refuses_the_scale_at_once(
    official: client.ApiClient, kubectl: Kubectl, raw: httpx.Client
) -> None:
    pods_before = len(raw.get(PODS).json()["items"])
    with pytest.raises(ApiException) as caught:
        client.AppsV1Api(official).patch_namespaced_deployment_scale(
            "hostname-server", "default", {"spec": {"replicas": 2147483647}}
        )
    assert caught.value.status == 422
    status = json.loads(caught.value.body)
    assert status["reason"] == "Invalid"
    assert status["message"].startswith(
        'deployments.apps "hostname-server" is forbidden: ValidatingAdmissionPolicy '
        "'k9lite-demo-pod-cap' with binding 'k9lite-demo-pod-cap' denied request: "
        "the demo cluster runs at most 20,000 pods"
    )
    result = kubectl.run("scale", "deploy", "hostname-server", "--replicas=2147483647", check=False)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "raise the cap with `k9lite demo-cluster --max-pods N`" in result.stderr
    assert replicas_of(raw) == 2
    assert len(raw.get(PODS).json()["items"]) == pods_before


@pytest.fixture
def capped() -> Iterator[DemoCluster]:
    """The default scenario (7 pods) under a cap of 10 pods."""
    options = DemoOptions(pod_start_delay=0.05, pod_stop_delay=0.05, dataplane=False, max_pods=10)
    with DemoCluster(options) as demo:
        yield demo


def test_a_lower_cap_counts_what_is_asked_for(capped: DemoCluster) -> None:
    with connect(capped) as raw:
        scale = json.dumps({"spec": {"replicas": 5}})
        assert raw.patch(SCALE, content=scale, headers=MERGE_PATCH).status_code == 200
        too_many = json.dumps({"spec": {"replicas": 6}})
        status = assert_status(raw.patch(SCALE, content=too_many, headers=MERGE_PATCH), 422)
        assert "runs at most 10 pods and this would ask for 11" in status["message"]
        bare = {"metadata": {"name": "bare"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
        assert_status(raw.post(PODS, json=bare), 422, "Invalid", "at most 10 pods")
        assert_status(raw.post(DEPLOYMENTS, json=deployment("more", 1)), 422, "Invalid")
        # Scaling down always passes, and frees room.
        down = json.dumps({"spec": {"replicas": 1}})
        assert raw.patch(SCALE, content=down, headers=MERGE_PATCH).status_code == 200
        assert raw.post(DEPLOYMENTS, json=deployment("more", 4)).status_code == 201


def test_a_node_out_of_pod_addresses_leaves_pods_pending_with_a_warning() -> None:
    # One worker: its 127.244.2.0/24 holds 253 pods (.1 is the node's bridge).
    options = DemoOptions(
        nodes=2, scenarios=("empty",), dataplane=False, pod_start_delay=0.01, pod_stop_delay=0.01
    )
    with DemoCluster(options) as demo, connect(demo) as raw:
        assert raw.post(DEPLOYMENTS, json=deployment("crowd", 256)).status_code == 201

        def phases(rt: ClusterRuntime) -> dict[str, int]:
            counted: dict[str, int] = {}
            for pod in rt.store.iter(resource("Pod"), "default"):
                phase = pod["status"]["phase"]
                counted[phase] = counted.get(phase, 0) + 1
            return counted

        wait_for(
            lambda: demo.call(phases) == {"Running": 253, "Pending": 3},
            timeout=60,
            message="253 pods running and 3 pending",
        )

        def warnings() -> list[dict[str, Any]]:
            events: list[dict[str, Any]] = raw.get(
                "/api/v1/namespaces/default/events",
                params={"fieldSelector": "reason=FailedCreatePodSandBox"},
            ).json()["items"]
            return events

        wait_for(lambda: len(warnings()) == 3, message="one warning per pending pod")
        for event in warnings():
            assert event["type"] == "Warning"
            assert event["source"] == {"component": "kubelet", "host": "worker1"}
            assert event["message"].endswith(
                "failed to allocate for range 0: no IP addresses available in range set: "
                "127.244.2.2-127.244.2.254"
            )
