"""A pod's spec is immutable but for what ValidatePodUpdate lets change, with the real kubectl.

Followed source: pkg/apis/core/validation ValidatePodUpdate (images of containers and init
containers, activeDeadlineSeconds, tolerations only added, terminationGracePeriodSeconds from
negative to 1; anything else is `spec: Forbidden: pod updates may not change fields other
than ...`, which the real server follows with a Go diff of the two specs).
"""

from __future__ import annotations

import json

from tests.conftest import Kubectl

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: fixed}
spec:
  containers: [{name: web, image: nginx:1.25, ports: [{containerPort: 80}]}]
"""
FORBIDDEN = (
    'The Pod "fixed" is invalid: spec: Forbidden: pod updates may not change fields other than '
    "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
    "`spec.tolerations` (only additions to existing tolerations),"
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
    "negative)\n"
)


def patch(kubectl: Kubectl, body: dict[str, object]) -> tuple[int, str]:
    ran = kubectl.run("patch", "pod", "fixed", "-p", json.dumps(body), check=False)
    return ran.returncode, ran.stderr or ran.stdout


def test_only_the_mutable_fields_of_a_pod_change(kubectl: Kubectl) -> None:
    kubectl("apply", "-f", "-", stdin=POD)
    port = {"spec": {"containers": [{"name": "web", "ports": [{"containerPort": 81}]}]}}
    assert patch(kubectl, port) == (1, FORBIDDEN)
    assert patch(kubectl, {"spec": {"restartPolicy": "Never"}}) == (1, FORBIDDEN)
    image = {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}
    assert patch(kubectl, image) == (0, "pod/fixed patched\n")
    assert patch(kubectl, {"spec": {"activeDeadlineSeconds": 600}}) == (0, "pod/fixed patched\n")
    toleration = {"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}
    before = json.loads(kubectl("get", "pod", "fixed", "-o", "jsonpath={.spec.tolerations}"))
    added = {"spec": {"tolerations": [*before, toleration]}}
    assert patch(kubectl, added) == (0, "pod/fixed patched\n")
    assert patch(kubectl, {"spec": {"tolerations": [toleration]}}) == (1, FORBIDDEN)  # removals
    got = kubectl("get", "pod", "fixed", "-o", "jsonpath={.spec.containers[0].image}")
    assert got == "nginx:1.27"
