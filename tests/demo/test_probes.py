"""The demo kubelet's probes and image pulls, seen with the real kubectl: Ready follows the
readiness probe, the EndpointSlice follows Ready, a failing liveness probe restarts, a missing
image goes ErrImagePull then ImagePullBackOff.

Messages follow pkg/kubelet/prober (prober.go: "%s probe failed: %s", Killing "Container %s failed
liveness probe, will be restarted"), pkg/probe/http and pkg/probe/tcp (Go's net errors), and
pkg/kubelet/images (image_manager.go: Failed "Error: ErrImagePull", BackOff "Back-off pulling
image %q").
"""

from __future__ import annotations

import json
import time
from typing import Any

import yaml

from tests.conftest import Kubectl, wait_for


def apply(kubectl: Kubectl, *objects: dict[str, Any]) -> None:
    kubectl("apply", "-f", "-", stdin="\n---\n".join(yaml.safe_dump(o) for o in objects))


def probed_pod(name: str, image: str = "takytaky/hostname", **probes: Any) -> dict[str, Any]:
    """A pod serving port 80 (the demo's web server), labelled app=NAME, with `probes`."""
    container = {"name": name, "image": image, "ports": [{"containerPort": 80}], **probes}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"containers": [container]},
    }


def pod(kubectl: Kubectl, name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(kubectl("get", "pod", name, "-o", "json"))
    return found


def condition(kubectl: Kubectl, name: str, type_: str) -> dict[str, Any] | None:
    conditions = pod(kubectl, name).get("status", {}).get("conditions", [])
    return next((c for c in conditions if c["type"] == type_), None)


def ready(kubectl: Kubectl, name: str) -> str:
    found = condition(kubectl, name, "Ready")
    return found["status"] if found else ""


def events(kubectl: Kubectl, name: str) -> list[tuple[str, str, str]]:
    """(type, reason, message) of the pod's Events."""
    listed = json.loads(
        kubectl("get", "events", "--field-selector", f"involvedObject.name={name}", "-o", "json")
    )["items"]
    return [(e["type"], e["reason"], e["message"]) for e in listed]


def endpoint_ready(kubectl: Kubectl, service: str) -> list[bool]:
    slices = json.loads(
        kubectl(
            "get", "endpointslices", "-l", f"kubernetes.io/service-name={service}", "-o", "json"
        )
    )["items"]
    return [e["conditions"]["ready"] for s in slices for e in s.get("endpoints") or ()]


def service(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": name}, "ports": [{"port": 80}]},
    }


FAST_PROBE = {"periodSeconds": 1, "failureThreshold": 1}


def test_http_get_on_a_served_port_is_ready_and_on_an_unserved_port_is_not(
    kubectl: Kubectl,
) -> None:
    served = {"httpGet": {"path": "/healthz", "port": 80}, **FAST_PROBE}
    unserved = {"httpGet": {"path": "/healthz", "port": 81}, **FAST_PROBE}
    apply(
        kubectl,
        probed_pod("served", readinessProbe=served),
        probed_pod("unserved", readinessProbe=unserved),
        service("unserved"),
    )
    wait_for(lambda: ready(kubectl, "served") == "True", message="served Ready")
    ip = wait_for(lambda: pod(kubectl, "unserved")["status"].get("podIP"), message="an IP")
    message = (
        f'Readiness probe failed: Get "http://{ip}:81/healthz": '
        f"dial tcp {ip}:81: connect: connection refused"
    )
    wait_for(
        lambda: ("Warning", "Unhealthy", message) in events(kubectl, "unserved"),
        message="the Unhealthy Event",
    )
    unready = condition(kubectl, "unserved", "Ready")
    assert unready is not None
    assert (unready["status"], unready["reason"], unready["message"]) == (
        "False",
        "ContainersNotReady",
        "containers with unready status: [unserved]",
    )
    assert pod(kubectl, "unserved")["status"]["phase"] == "Running"
    assert kubectl("get", "pod", "unserved", "--no-headers").split()[1:3] == ["0/1", "Running"]
    # The endpoint is there but not ready: kube-proxy sends nothing to it.
    wait_for(lambda: endpoint_ready(kubectl, "unserved") == [False], message="ready=false")
    described = kubectl("describe", "service", "unserved")
    assert "Endpoints:" in described and f"{ip}:80" not in described


def test_tcp_socket_and_exec_probes(kubectl: Kubectl) -> None:
    apply(
        kubectl,
        probed_pod("tcp", readinessProbe={"tcpSocket": {"port": 80}, **FAST_PROBE}),
        probed_pod("tcp-off", readinessProbe={"tcpSocket": {"port": 8081}, **FAST_PROBE}),
        probed_pod(
            "exec", readinessProbe={"exec": {"command": ["cat", "/etc/hostname"]}, **FAST_PROBE}
        ),
        probed_pod(
            "exec-off",
            readinessProbe={"exec": {"command": ["cat", "/tmp/healthy"]}, **FAST_PROBE},
        ),
    )
    for name in ("tcp", "exec"):
        wait_for(lambda name=name: ready(kubectl, name) == "True", message=f"{name} Ready")
    ip = wait_for(lambda: pod(kubectl, "tcp-off")["status"].get("podIP"), message="an IP")
    failed = {
        "tcp-off": f"Readiness probe failed: dial tcp {ip}:8081: connect: connection refused",
        "exec-off": "Readiness probe failed: cat: can't open '/tmp/healthy': "
        "No such file or directory\n",
    }
    for name, message in failed.items():
        wait_for(
            lambda name=name, message=message: (
                ("Warning", "Unhealthy", message) in events(kubectl, name)
            ),
            message=f"{name}'s Unhealthy Event",
        )
        assert ready(kubectl, name) == "False"


def test_initial_delay_then_failure_threshold(kubectl: Kubectl) -> None:
    """Ready no sooner than initialDelaySeconds; unready after failureThreshold failures in a
    row, here once the pod its tcpSocket probe dials is gone."""
    apply(kubectl, probed_pod("target"))
    target_ip = wait_for(lambda: pod(kubectl, "target")["status"].get("podIP"), message="IP")
    probe = {
        "tcpSocket": {"host": target_ip, "port": 80},
        "initialDelaySeconds": 2,
        "periodSeconds": 1,
        "failureThreshold": 2,
    }
    apply(kubectl, probed_pod("follower", readinessProbe=probe), service("follower"))
    wait_for(lambda: pod(kubectl, "follower")["status"].get("phase") == "Running", message="Run")
    running = time.monotonic()
    wait_for(lambda: ready(kubectl, "follower") == "True", message="follower Ready")
    assert time.monotonic() - running >= 1.5
    wait_for(lambda: endpoint_ready(kubectl, "follower") == [True], message="ready=true")
    kubectl("delete", "pod", "target", "--wait=false")
    wait_for(lambda: ready(kubectl, "follower") == "False", message="follower unready")
    message = f"Readiness probe failed: dial tcp {target_ip}:80: connect: connection refused"
    assert ("Warning", "Unhealthy", message) in events(kubectl, "follower")
    wait_for(lambda: endpoint_ready(kubectl, "follower") == [False], message="ready=false")


def test_a_failing_liveness_probe_restarts_the_container(kubectl: Kubectl) -> None:
    liveness = {"exec": {"command": ["cat", "/tmp/healthy"]}, **FAST_PROBE}
    apply(kubectl, probed_pod("alive", livenessProbe=liveness))

    def restarted() -> dict[str, Any] | None:
        statuses = pod(kubectl, "alive")["status"].get("containerStatuses") or [{}]
        return statuses[0] if statuses[0].get("restartCount", 0) >= 1 else None

    status = wait_for(restarted, message="a restart")
    assert status["lastState"]["terminated"]["exitCode"] == 137
    assert "running" in status["state"]
    assert ("Normal", "Killing", "Container alive failed liveness probe, will be restarted") in (
        events(kubectl, "alive")
    )
    assert ready(kubectl, "alive") == "True"  # no readiness probe: ready once running


def test_a_missing_image_goes_err_image_pull_then_image_pull_back_off(
    kubectl: Kubectl,
) -> None:
    kubectl("run", "nopull", "--image=nosuch/img")

    def status_column() -> str:
        return kubectl("get", "pod", "nopull", "--no-headers").split()[2]

    wait_for(lambda: status_column() == "ErrImagePull", message="ErrImagePull")
    wait_for(lambda: status_column() == "ImagePullBackOff", message="ImagePullBackOff")
    found = pod(kubectl, "nopull")
    assert found["status"]["phase"] == "Pending"
    assert found["status"]["podIP"]
    waiting = found["status"]["containerStatuses"][0]["state"]["waiting"]
    reference = "docker.io/nosuch/img:latest"
    error = (
        f'rpc error: code = Unknown desc = failed to pull and unpack image "{reference}": '
        f'failed to resolve reference "{reference}": pull access denied, repository does not '
        "exist or may require authorization: server message: insufficient_scope: "
        "authorization failed"
    )
    assert waiting == {
        "reason": "ImagePullBackOff",
        "message": f'Back-off pulling image "nosuch/img": ErrImagePull: {error}',
    }
    assert {
        ("Normal", "Pulling", 'Pulling image "nosuch/img"'),
        ("Warning", "Failed", f'Failed to pull image "nosuch/img": {error}'),
        ("Warning", "Failed", "Error: ErrImagePull"),
        ("Normal", "BackOff", 'Back-off pulling image "nosuch/img"'),
        ("Warning", "Failed", "Error: ImagePullBackOff"),
    } <= set(events(kubectl, "nopull"))


def test_set_image_to_a_missing_tag_leaves_the_old_pods_serving(kubectl: Kubectl) -> None:
    """A rollout to `nginx:does-not-exist` stalls: the new pod cannot pull, the old ones stay."""
    kubectl("create", "deployment", "web", "--image=nginx", "--replicas=1")
    wait_for(
        lambda: kubectl("get", "deploy", "web", "-o", "jsonpath={.status.readyReplicas}") == "1",
        message="web ready",
    )
    kubectl("set", "image", "deployment/web", "nginx=nginx:does-not-exist")

    def pulling() -> list[str]:
        rows = kubectl("get", "pods", "-l", "app=web", "--no-headers").splitlines()
        return [r.split()[2] for r in rows]

    states = wait_for(
        lambda: (lambda s: s if "ImagePullBackOff" in s else None)(pulling()),
        message="the new pod's ImagePullBackOff",
    )
    assert "Running" in states
    reference = "docker.io/library/nginx:does-not-exist"
    assert any(
        message
        == f'Failed to pull image "nginx:does-not-exist": rpc error: code = NotFound desc = '
        f'failed to pull and unpack image "{reference}": failed to resolve reference '
        f'"{reference}": {reference}: not found'
        for _, _, message in events_of_app(kubectl, "web")
    )


def events_of_app(kubectl: Kubectl, app: str) -> list[tuple[str, str, str]]:
    names = kubectl("get", "pods", "-l", f"app={app}", "-o", "name").split()
    return [e for name in names for e in events(kubectl, name.split("/", 1)[1])]


def test_crash_loop_back_off_grows(kubectl: Kubectl) -> None:
    """processes.py's back-off, seen twice: 10 s after the second exit, 20 s after the third
    (pkg/kubelet/kuberuntime: the crash back-off doubles from 10 s up to 300 s), each with the
    kubelet's BackOff Event (kuberuntime_manager.go doBackOff)."""
    kubectl("run", "crash", "--image=busybox", "--", "sh", "-c", "exit 1")

    def back_off() -> str:
        found = pod(kubectl, "crash")["status"].get("containerStatuses") or [{}]
        waiting = found[0].get("state", {}).get("waiting", {})
        return str(waiting.get("message", "")).split(" restarting")[0]

    wait_for(lambda: back_off() == "back-off 10s", message="back-off 10s")
    wait_for(lambda: back_off() == "back-off 20s", timeout=20.0, message="back-off 20s")
    row = kubectl("get", "pod", "crash", "--no-headers").split()
    assert row[1:4] == ["0/1", "CrashLoopBackOff", "2"]
    uid = pod(kubectl, "crash")["metadata"]["uid"]
    back_off_event = (
        "Warning",
        "BackOff",
        f"Back-off restarting failed container crash in pod crash_default({uid})",
    )
    assert back_off_event in events(kubectl, "crash")


def test_a_restarted_container_waits_for_its_readiness_probe(kubectl: Kubectl) -> None:
    """A command container that exits restarts unready while its readiness probe fails: read
    while its second run lasts (2 s), before the prober would write it again (10 failures)."""
    crashing = probed_pod(
        "flaky",
        image="busybox",
        command=["sh", "-c", "sleep 2; exit 1"],
        readinessProbe={"exec": {"command": ["false"]}, "periodSeconds": 1, "failureThreshold": 10},
    )
    apply(kubectl, crashing)

    def restarted() -> dict[str, Any] | None:
        statuses = pod(kubectl, "flaky")["status"].get("containerStatuses") or [{}]
        return statuses[0] if statuses[0].get("restartCount", 0) >= 1 else None

    status = wait_for(restarted, message="a restart")
    assert "running" in status["state"], "read during the second run"
    assert status["ready"] is False
    assert ready(kubectl, "flaky") == "False"


def test_image_ids_name_the_normalised_repository_at_a_digest(kubectl: Kubectl) -> None:
    """containerd reports a running container's imageID as its image's repository, normalised
    (docker.io, library/ for one-part names), without the tag, at the content digest: never
    the name as written, nor a tag."""
    digest = f"sha256:{'ab' * 32}"
    # name: (the image run, what its imageID starts with)
    images = {
        "plain": ("nginx:1.25", "docker.io/library/nginx@sha256:"),
        "user": ("takytaky/hostname", "docker.io/takytaky/hostname@sha256:"),
        "registry": (
            "registry.k8s.io/e2e-test-images/agnhost:2.53",
            "registry.k8s.io/e2e-test-images/agnhost@sha256:",
        ),
        "digest": (f"registry.k8s.io/pause@{digest}", f"registry.k8s.io/pause@{digest}"),
    }
    for name, (image, _) in images.items():
        kubectl("run", name, f"--image={image}")
    for name, (_, prefix) in images.items():
        status = wait_for(
            lambda n=name: (pod(kubectl, n)["status"].get("containerStatuses") or [{}])[0].get(
                "imageID"
            ),
            message=f"{name}'s imageID",
        )
        assert status.startswith(prefix) and len(status) == len(prefix.split("@")[0]) + 72, status
