"""Decoding Pods, and kubectl's READY, STATUS and RESTARTS worked out from them."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

import pytest

from k9lite.model.meta import OwnerReference
from k9lite.model.pods import (
    ContainerPort,
    ContainerRunning,
    ContainerTerminated,
    ContainerWaiting,
    decode_pod,
)
from tests.model.manifests import (
    running_pod,
)

UTC = timezone.utc


def _pod_with(
    container_status: dict[str, Any], *, phase: str = "Running", **meta: Any
) -> dict[str, Any]:
    raw = running_pod("hostname-server-5d8f9c-abcde")
    raw["metadata"].update(meta)
    raw["status"]["phase"] = phase
    raw["status"]["containerStatuses"][0].update(container_status)
    return raw


# -- pods ---------------------------------------------------------------------------------------


def test_running_pod_keeps_what_the_views_show() -> None:
    owner = ("ReplicaSet", "hostname-server-5d8f9c", "uid-rs")
    pod = decode_pod(running_pod("hostname-server-5d8f9c-abcde", owner=owner))
    assert pod.meta.name == "hostname-server-5d8f9c-abcde"
    assert pod.meta.namespace == "default"
    assert pod.meta.labels == {"app": "hostname-server"}
    assert pod.meta.creation_timestamp == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert pod.meta.deletion_timestamp is None
    assert pod.meta.controller == OwnerReference(
        "ReplicaSet", "hostname-server-5d8f9c", "uid-rs", True
    )
    assert (pod.node_name, pod.pod_ip, pod.host_ip) == ("worker1", "192.168.235.140", "172.30.1.10")
    assert pod.containers[0].ports == (ContainerPort(80, "", "TCP"),)
    assert isinstance(pod.container_statuses[0].state, ContainerRunning)
    assert pod.is_ready
    assert (pod.status, pod.ready_text, pod.restarts, pod.last_restart) == (
        "Running",
        "1/1",
        0,
        None,
    )


def test_pending_pod_keeps_why_it_is_not_scheduled() -> None:
    raw = running_pod("web-1")
    del raw["spec"]["nodeName"]
    raw["status"] = {
        "phase": "Pending",
        "conditions": [
            {
                "type": "PodScheduled",
                "status": "False",
                "reason": "Unschedulable",
                "message": "0/3 nodes are available: 3 Insufficient cpu.",
            }
        ],
    }
    pod = decode_pod(raw)
    scheduled = pod.condition("PodScheduled")
    assert scheduled is not None and not scheduled.is_true
    assert (scheduled.reason, scheduled.message) == (
        "Unschedulable",
        "0/3 nodes are available: 3 Insufficient cpu.",
    )
    assert (pod.status, pod.ready_text, pod.node_name, pod.pod_ip) == ("Pending", "0/1", "", "")
    assert not pod.is_ready


def test_container_creating_pod() -> None:
    pod = decode_pod(
        _pod_with(
            {
                "ready": False,
                "started": False,
                "state": {"waiting": {"reason": "ContainerCreating"}},
            },
            phase="Pending",
        )
    )
    assert (pod.status, pod.ready_text) == ("ContainerCreating", "0/1")


def test_crashlooping_pod_counts_restarts_and_keeps_the_last_crash() -> None:
    pod = decode_pod(
        _pod_with(
            {
                "ready": False,
                "restartCount": 5,
                "state": {
                    "waiting": {
                        "reason": "CrashLoopBackOff",
                        "message": "back-off 2m40s restarting failed container",
                    }
                },
                "lastState": {
                    "terminated": {
                        "exitCode": 1,
                        "reason": "Error",
                        "startedAt": "2024-05-01T10:05:00Z",
                        "finishedAt": "2024-05-01T10:05:03Z",
                    }
                },
            }
        )
    )
    status = pod.container_statuses[0]
    assert status.state == ContainerWaiting(
        "CrashLoopBackOff", "back-off 2m40s restarting failed container"
    )
    assert status.last_terminated is not None and status.last_terminated.reason == "Error"
    assert status.last_termination_time == datetime(2024, 5, 1, 10, 5, 3, tzinfo=UTC)
    assert (pod.status, pod.ready_text, pod.restarts) == ("CrashLoopBackOff", "0/1", 5)
    assert pod.last_restart == datetime(2024, 5, 1, 10, 5, 3, tzinfo=UTC)


def test_terminating_pod() -> None:
    pod = decode_pod(_pod_with({}, deletionTimestamp="2024-05-01T11:00:00Z"))
    assert pod.meta.deletion_timestamp == datetime(2024, 5, 1, 11, tzinfo=UTC)
    assert pod.status == "Terminating"


@pytest.mark.parametrize(
    ("phase", "terminated", "expected"),
    [
        ("Succeeded", {"exitCode": 0, "reason": "Completed"}, "Completed"),
        ("Failed", {"exitCode": 137, "reason": "OOMKilled"}, "OOMKilled"),
        ("Failed", {"exitCode": 137, "signal": 9}, "Signal:9"),
        ("Failed", {"exitCode": 2}, "ExitCode:2"),
    ],
)
def test_finished_pod_status_is_the_termination_reason(
    phase: str, terminated: dict[str, Any], expected: str
) -> None:
    raw = _pod_with({"ready": False, "state": {"terminated": terminated}}, phase=phase)
    pod = decode_pod(raw)
    assert isinstance(pod.container_statuses[0].state, ContainerTerminated)
    assert (pod.status, pod.ready_text) == (expected, "0/1")
    # A finished pod being deleted keeps its final status.
    raw["metadata"]["deletionTimestamp"] = "2024-05-01T11:00:00Z"
    assert decode_pod(raw).status == expected


def test_init_containers_and_sidecars() -> None:
    raw = running_pod("web-1")
    raw["spec"]["initContainers"] = [
        {"name": "migrate", "image": "migrate"},
        {"name": "proxy", "image": "envoy", "restartPolicy": "Always"},
    ]
    raw["status"]["phase"] = "Pending"
    raw["status"]["conditions"] = [{"type": "Initialized", "status": "False"}]
    raw["status"]["initContainerStatuses"] = [
        {"name": "migrate", "ready": False, "state": {"running": {}}},
        {"name": "proxy", "ready": False, "state": {"waiting": {"reason": "PodInitializing"}}},
    ]
    raw["status"]["containerStatuses"][0].update(
        {"ready": False, "state": {"waiting": {"reason": "PodInitializing"}}}
    )
    assert (decode_pod(raw).status, decode_pod(raw).ready_text) == ("Init:0/2", "0/2")
    raw["status"]["phase"] = "Running"
    raw["status"]["conditions"] = [
        {"type": "Initialized", "status": "True"},
        {"type": "Ready", "status": "True"},
    ]
    raw["status"]["initContainerStatuses"] = [
        {"name": "migrate", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
        {"name": "proxy", "ready": True, "started": True, "state": {"running": {}}},
    ]
    raw["status"]["containerStatuses"][0].update({"ready": True, "state": {"running": {}}})
    pod = decode_pod(raw)
    assert (pod.status, pod.ready_text) == ("Running", "2/2")


def test_pod_with_one_of_two_containers_ready() -> None:
    raw = running_pod("web-1")
    second = copy.deepcopy(raw["status"]["containerStatuses"][0])
    second.update({"name": "sidecar", "ready": False, "restartCount": 2})
    raw["spec"]["containers"].append({"name": "sidecar", "image": "busybox"})
    raw["status"]["containerStatuses"].append(second)
    pod = decode_pod(raw)
    assert (pod.status, pod.ready_text, pod.restarts) == ("Running", "1/2", 2)


def test_pod_on_a_lost_node_reads_unknown() -> None:
    raw = _pod_with({}, deletionTimestamp="2024-05-01T11:00:00Z")
    raw["status"]["reason"] = "NodeLost"
    assert decode_pod(raw).status == "Unknown"


def test_pod_ip_falls_back_to_pod_ips() -> None:
    raw = running_pod("web-1")
    del raw["status"]["podIP"]
    raw["status"]["podIPs"] = [{"ip": "10.44.0.1"}, {"ip": "fd00::1"}]
    pod = decode_pod(raw)
    assert (pod.pod_ip, pod.pod_ips) == ("10.44.0.1", ("10.44.0.1", "fd00::1"))
