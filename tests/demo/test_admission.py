"""Admission results on created Pods: token volume, tolerations, priority, QoS class.

As kubernetes/kubernetes plugin/pkg/admission/serviceaccount, defaulttolerationseconds and
priority do, and pkg/apis/core/helper/qos GetPodQOS computes.
"""

from __future__ import annotations

from typing import Any

import pytest

from k9lite.demo.admission import TOKEN_MOUNT_PATH, admit_pod, qos_class


def _pod(**container: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "i", **container}]},
        "status": {"phase": "Pending"},
    }


def test_a_pod_gets_the_token_volume_tolerations_and_priority() -> None:
    pod = _pod()
    admit_pod(pod, "abcde")
    spec = pod["spec"]
    assert spec["serviceAccountName"] == spec["serviceAccount"] == "default"
    assert spec["volumes"][0]["name"] == "kube-api-access-abcde"
    assert spec["containers"][0]["volumeMounts"] == [
        {"name": "kube-api-access-abcde", "readOnly": True, "mountPath": TOKEN_MOUNT_PATH}
    ]
    assert [t["key"] for t in spec["tolerations"]] == [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ]
    assert all(t["tolerationSeconds"] == 300 for t in spec["tolerations"])
    assert (spec["priority"], spec["preemptionPolicy"]) == (0, "PreemptLowerPriority")
    assert pod["status"]["qosClass"] == "BestEffort"


def test_no_token_when_automount_is_off_and_own_tolerations_are_kept() -> None:
    pod = _pod()
    pod["spec"]["automountServiceAccountToken"] = False
    everything = {"operator": "Exists"}
    pod["spec"]["tolerations"] = [everything]
    admit_pod(pod, "abcde")
    assert "volumes" not in pod["spec"]
    assert "volumeMounts" not in pod["spec"]["containers"][0]
    # A toleration without a key tolerates every taint: none is added.
    assert pod["spec"]["tolerations"] == [everything]


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        ({}, "BestEffort"),
        ({"requests": {"cpu": "100m"}}, "Burstable"),
        ({"limits": {"cpu": "1", "memory": "1Gi"}}, "Guaranteed"),
        ({"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m"}}, "Burstable"),
        ({"limits": {"cpu": "1"}}, "Burstable"),
    ],
)
def test_qos_class(resources: dict[str, Any], expected: str) -> None:
    assert qos_class(_pod(resources=resources)["spec"]) == expected
