"""Rollouts with the real kubectl: revisions, history, undo, restart, pause, and the rolling
update's steps, as pkg/controller/deployment (sync.go, rolling.go, recreate.go) makes them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kubernetes import client, watch

from k9lite.demo.cluster import DemoCluster, DemoOptions
from tests.conftest import Kubectl, default_scenario, wait_for

REVISION = "deployment.kubernetes.io/revision"


@pytest.fixture
def cluster() -> Iterator[DemoCluster]:
    """Pods that take a moment to start and stop, so each step of a rollout can be seen."""
    with default_scenario(
        DemoOptions(pod_start_delay=0.2, pod_stop_delay=0.2, bookmark_interval=0.5)
    ) as demo:
        yield demo


def _json(kubectl: Kubectl, *args: str) -> Any:
    return json.loads(kubectl("get", *args, "-o", "json"))


def _replica_sets(kubectl: Kubectl, app: str) -> dict[str, dict[str, str]]:
    """Each ReplicaSet of `app` by name: its annotations."""
    items = _json(kubectl, "rs", "-l", f"app={app}")["items"]
    return {rs["metadata"]["name"]: rs["metadata"].get("annotations", {}) for rs in items}


def _rolled_out(kubectl: Kubectl, name: str) -> str:
    out = kubectl("rollout", "status", f"deployment/{name}", "--timeout=30s")
    assert out.splitlines()[-1] == f'deployment "{name}" successfully rolled out'
    return out


def _images(kubectl: Kubectl, app: str) -> set[str]:
    pods = _json(kubectl, "pods", "-l", f"app={app}")["items"]
    return {
        p["spec"]["containers"][0]["image"]
        for p in pods
        if not p["metadata"].get("deletionTimestamp")
    }


def _history(kubectl: Kubectl, name: str) -> list[tuple[str, str]]:
    """`kubectl rollout history`'s rows: (revision, change-cause)."""
    out = kubectl("rollout", "history", f"deployment/{name}")
    rows = out.splitlines()[2:]
    return [(row.split(None, 1)[0], row.split(None, 1)[1].strip()) for row in rows if row.strip()]


def test_set_image_history_and_undo_bring_the_old_image_back(kubectl: Kubectl) -> None:
    kubectl("create", "deployment", "web", "--image=nginx:1.25", "--replicas=4")
    _rolled_out(kubectl, "web")
    (first,) = _replica_sets(kubectl, "web")
    # SetReplicasAnnotations: desired, and desired plus maxSurge (25% of 4, rounded up).
    assert _replica_sets(kubectl, "web")[first] == {
        REVISION: "1",
        "deployment.kubernetes.io/desired-replicas": "4",
        "deployment.kubernetes.io/max-replicas": "5",
    }
    assert "image updated" in kubectl("set", "image", "deployment/web", "nginx=nginx:1.26")
    # Annotated after the change, as the docs show: the controller copies the Deployment's
    # annotations to its new ReplicaSet only (annotating first would label revision 1 too).
    kubectl("annotate", "deployment/web", "kubernetes.io/change-cause=nginx 1.26")
    _rolled_out(kubectl, "web")
    assert _images(kubectl, "web") == {"nginx:1.26"}
    sets = _replica_sets(kubectl, "web")
    (second,) = set(sets) - {first}
    # The Deployment's own annotations go to the new ReplicaSet; the history shows them.
    assert sets[second][REVISION] == "2"
    assert sets[second]["kubernetes.io/change-cause"] == "nginx 1.26"
    assert _json(kubectl, "deployment", "web")["metadata"]["annotations"][REVISION] == "2"
    assert _history(kubectl, "web") == [("1", "<none>"), ("2", "nginx 1.26")]
    detail = kubectl("rollout", "history", "deployment/web", "--revision=1")
    assert "deployment.apps/web with revision #1" in detail
    assert "Image:\tnginx:1.25" in detail

    # The Done-when: undo after set image brings the old image back. The old template's
    # ReplicaSet is reused under the next revision, remembering its old number.
    assert "rolled back" in kubectl("rollout", "undo", "deployment/web")
    _rolled_out(kubectl, "web")
    assert _images(kubectl, "web") == {"nginx:1.25"}
    sets = _replica_sets(kubectl, "web")
    assert set(sets) == {first, second}
    assert sets[first][REVISION] == "3"
    assert sets[first]["deployment.kubernetes.io/revision-history"] == "1"
    assert [revision for revision, _ in _history(kubectl, "web")] == ["2", "3"]

    kubectl("rollout", "undo", "deployment/web", "--to-revision=2")
    _rolled_out(kubectl, "web")
    assert _images(kubectl, "web") == {"nginx:1.26"}
    assert _replica_sets(kubectl, "web")[second][REVISION] == "4"
    failed = kubectl.run("rollout", "undo", "deployment/web", "--to-revision=9", check=False)
    assert failed.returncode != 0
    assert "unable to find specified revision 9 in history" in failed.stderr


def test_rollout_status_waits_and_reads_progress(kubectl: Kubectl) -> None:
    kubectl("create", "deployment", "web", "--image=nginx:1.25", "--replicas=4")
    _rolled_out(kubectl, "web")
    kubectl("set", "image", "deployment/web", "nginx=nginx:1.26")
    out = _rolled_out(kubectl, "web")
    # kubectl's DeploymentStatusViewer prints these while the pods are replaced.
    assert 'Waiting for deployment "web" rollout to finish: ' in out
    status = _json(kubectl, "deployment", "web")
    deploy_status = status["status"]
    assert deploy_status["observedGeneration"] == status["metadata"]["generation"]
    assert (deploy_status["updatedReplicas"], deploy_status["availableReplicas"]) == (4, 4)
    progressing = next(c for c in deploy_status["conditions"] if c["type"] == "Progressing")
    assert progressing["reason"] == "NewReplicaSetAvailable"
    assert progressing["status"] == "True"


def test_restart_then_pause_and_resume(kubectl: Kubectl) -> None:
    kubectl("create", "deployment", "web", "--image=nginx:1.25", "--replicas=2")
    _rolled_out(kubectl, "web")
    assert "restarted" in kubectl("rollout", "restart", "deployment/web")
    template = _json(kubectl, "deployment", "web")["spec"]["template"]
    assert "kubectl.kubernetes.io/restartedAt" in template["metadata"]["annotations"]
    _rolled_out(kubectl, "web")
    assert len(_replica_sets(kubectl, "web")) == 2

    assert "paused" in kubectl("rollout", "pause", "deployment/web")
    kubectl("set", "image", "deployment/web", "nginx=nginx:1.26")

    def paused_and_observed() -> bool:
        deploy = _json(kubectl, "deployment", "web")
        progressing = next(c for c in deploy["status"]["conditions"] if c["type"] == "Progressing")
        return (
            deploy["status"]["observedGeneration"] == deploy["metadata"]["generation"]
            and progressing["reason"] == "DeploymentPaused"
        )

    wait_for(paused_and_observed, message="the paused Deployment's new template observed")
    # sync.go: a paused Deployment gets no new ReplicaSet, its pods keep the old image.
    assert len(_replica_sets(kubectl, "web")) == 2
    assert _images(kubectl, "web") == {"nginx:1.25"}

    assert "resumed" in kubectl("rollout", "resume", "deployment/web")
    _rolled_out(kubectl, "web")
    assert len(_replica_sets(kubectl, "web")) == 3
    assert _images(kubectl, "web") == {"nginx:1.26"}
    assert [revision for revision, _ in _history(kubectl, "web")] == ["1", "2", "3"]


def _update_watched(
    kubectl: Kubectl, official: client.ApiClient, replicas: int, strategy: dict[str, Any]
) -> list[dict[str, Any]]:
    """A Deployment `web` of `replicas` with `strategy`, rolled out, then its image changed:
    every live pod after each pod event until every pod is ready with the new image (a watch
    bounded at 30 s)."""
    kubectl("create", "deployment", "web", "--image=nginx:1.25", f"--replicas={replicas}")
    kubectl("patch", "deployment/web", "-p", json.dumps({"spec": {"strategy": strategy}}))
    _rolled_out(kubectl, "web")
    core = client.CoreV1Api(official)
    listed = core.list_namespaced_pod("default", label_selector="app=web")
    pods = {p.metadata.name: official.sanitize_for_serialization(p) for p in listed.items}
    kubectl("set", "image", "deployment/web", "nginx=nginx:1.26")
    snapshots: list[dict[str, Any]] = []
    stream = watch.Watch().stream(
        core.list_namespaced_pod,
        "default",
        label_selector="app=web",
        resource_version=listed.metadata.resource_version,
        timeout_seconds=30,
        _request_timeout=40,
    )
    for event in stream:
        pod = event["raw_object"]
        if event["type"] == "DELETED":
            pods.pop(pod["metadata"]["name"], None)
        else:
            pods[pod["metadata"]["name"]] = pod
        snapshots.append(dict(pods))
        if _by_image(pods, _ready) == {"nginx:1.26": len(pods)}:
            return snapshots
    raise AssertionError("the rollout did not finish within the watch's 30 s")


def _ready(pod: dict[str, Any]) -> bool:
    return _live(pod) and any(
        c["type"] == "Ready" and c["status"] == "True"
        for c in pod.get("status", {}).get("conditions", ())
    )


def _live(pod: dict[str, Any]) -> bool:
    return not pod["metadata"].get("deletionTimestamp")


def _by_image(snapshot: dict[str, Any], keep: Callable[[dict[str, Any]], bool]) -> dict[str, int]:
    """The pods of a snapshot that `keep` keeps, counted by image."""
    counts: dict[str, int] = {}
    for pod in filter(keep, snapshot.values()):
        image = pod["spec"]["containers"][0]["image"]
        counts[image] = counts.get(image, 0) + 1
    return counts


@pytest.mark.parametrize(
    ("surge", "unavailable", "most", "fewest_ready"),
    [
        # The defaults: 25% of 4 is one pod over (rounded up) and one pod under (down).
        ("25%", "25%", 5, 3),
        # 30% of 4: surge 1.2 rounds up to 2, unavailable 1.2 down to 1.
        ("30%", "30%", 6, 3),
        # Ints: no surge at all, so an old pod must go before a new one is made.
        (0, 1, 4, 3),
    ],
)
def test_rolling_update_overlaps_old_and_new_pods_within_bounds(
    kubectl: Kubectl,
    official: client.ApiClient,
    surge: int | str,
    unavailable: int | str,
    most: int,
    fewest_ready: int,
) -> None:
    rolling = {"maxSurge": surge, "maxUnavailable": unavailable}
    snapshots = _update_watched(kubectl, official, 4, {"rollingUpdate": rolling})
    ready = [_by_image(s, _ready) for s in snapshots]
    # Old and new pods side by side for a moment, as the Pods view shows on a real cluster.
    assert any(r.get("nginx:1.25") and r.get("nginx:1.26") for r in ready)
    # Never more pods than replicas plus the surge (the ReplicaSets' sizes bound the pods)...
    assert max(sum(_by_image(s, _live).values()) for s in snapshots) == most
    # ...and never fewer ready than replicas minus the unavailability.
    assert min(sum(r.values()) for r in ready) == fewest_ready


def test_recreate_removes_every_old_pod_before_the_first_new_one(
    kubectl: Kubectl, official: client.ApiClient
) -> None:
    recreate = {"type": "Recreate", "rollingUpdate": None}
    images = [set(_by_image(s, bool)) for s in _update_watched(kubectl, official, 3, recreate)]
    first_new = next(i for i, found in enumerate(images) if "nginx:1.26" in found)
    # recreate.go: the new ReplicaSet is made only once no old pod is left at all, even a
    # terminating one.
    assert first_new > 0
    assert "nginx:1.25" in images[0]
    assert all("nginx:1.25" not in found for found in images[first_new:])


def test_scaling_a_paused_rollout_shares_the_new_size_in_proportion(
    kubectl: Kubectl, official: client.ApiClient
) -> None:
    kubectl("create", "deployment", "web", "--image=nginx:1.25", "--replicas=4")
    rolling = {"rollingUpdate": {"maxSurge": 2, "maxUnavailable": 0}}
    kubectl("patch", "deployment/web", "-p", json.dumps({"spec": {"strategy": rolling}}))
    _rolled_out(kubectl, "web")
    apps = client.AppsV1Api(official)
    image = [{"name": "nginx", "image": "nginx:1.26"}]
    apps.patch_namespaced_deployment(
        "web", "default", {"spec": {"template": {"spec": {"containers": image}}}}
    )
    # Paused as soon as the new ReplicaSet is there, long before a new pod can be ready
    # (0.2 s): it has its surge of 2 and the old one has lost none of its 4.
    wait_for(
        lambda: (
            len(apps.list_namespaced_replica_set("default", label_selector="app=web").items) == 2
        ),
        message="the new ReplicaSet",
    )
    apps.patch_namespaced_deployment("web", "default", {"spec": {"paused": True}})

    def sizes() -> dict[str, int]:
        items = _json(kubectl, "rs", "-l", "app=web")["items"]
        return {
            rs["spec"]["template"]["spec"]["containers"][0]["image"]: rs["spec"]["replicas"]
            for rs in items
        }

    assert sizes() == {"nginx:1.25": 4, "nginx:1.26": 2}
    kubectl("scale", "deployment/web", "--replicas=8")
    # sync.go scale(): 8 + 2 surge = 10 pods allowed, 4 more, shared as the sets were sized
    # for 6 (their max-replicas): 4 * 10 / 6 = 6.67 -> 7 old, 2 * 10 / 6 = 3.33 -> 3 new.
    wait_for(
        lambda: sizes() == {"nginx:1.25": 7, "nginx:1.26": 3},
        message="the ReplicaSets scaled in proportion",
    )
    kubectl("rollout", "resume", "deployment/web")
    _rolled_out(kubectl, "web")
    assert _images(kubectl, "web") == {"nginx:1.26"}
    assert _json(kubectl, "deployment", "web")["status"]["availableReplicas"] == 8
