"""The recorded requests, made again on a demo cluster holding the recording's objects.

The objects (tests/demo/differential/objects.yaml) go in with the real kubectl, as they went
into the real server, the Deployment is scaled to 5 through the scale subresource with the
official client (managers and annotations come from the same clients), and its first pod is
deleted and kept terminating (the cluster's kubelets take long to stop pods), as recorded.
Each answer keeps what the recording kept: status, headers, and the body or watch events.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
from kubernetes import client, config

from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl, wait_for

__all__ = ["Answer", "replay_all"]

NS = "/api/v1/namespaces/default"
APPS = "/apis/apps/v1/namespaces/default"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
OBJECTS = Path(__file__).with_name("objects.yaml")
# base64url of "nonsense": a continue token that is not JSON, as the recording's made-up one.
MADE_UP_CONTINUE = "bm9uc2Vuc2U"
WATCH_SECONDS = 6
PATCH_AFTER = 1.5
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


@dataclass(frozen=True, slots=True)
class Answer:
    """What came back: status, headers (lower-case names), and a body or watch events."""

    status: int
    headers: dict[str, str]
    body: Any = None
    events: tuple[dict[str, Any], ...] | None = None


def _answer(response: httpx.Response) -> Answer:
    return Answer(response.status_code, dict(response.headers), response.json())


def _watch(http: httpx.Client, path: str, *, during: Callable[[], None] | None = None) -> Answer:
    """Read a watch stream to its end; `during` runs on a thread 1.5 s in, as in the recording."""
    timer = threading.Timer(PATCH_AFTER, during) if during else None
    with http.stream("GET", path, timeout=WATCH_SECONDS + 10) as response:
        if timer:
            timer.start()
        try:
            if response.status_code != 200:
                response.read()
                return _answer(response)
            events = tuple(orjson.loads(line) for line in response.iter_lines() if line.strip())
        finally:
            if timer:
                timer.join()
    return Answer(response.status_code, dict(response.headers), events=events)


def _settle(cluster: DemoCluster, kubectl: Kubectl) -> None:
    kubectl("apply", "-f", str(OBJECTS))
    api = config.new_client_from_config(config_file=str(cluster.kubeconfig_path))
    try:
        apps = client.AppsV1Api(api)

        def available(replicas: int) -> bool:
            status = apps.read_namespaced_deployment_status("hello", "default").status
            return status.available_replicas == replicas and status.replicas == replicas

        wait_for(lambda: available(3), timeout=20, message="hello: 3 available replicas")
        apps.patch_namespaced_deployment_scale("hello", "default", {"spec": {"replicas": 5}})
        wait_for(lambda: available(5), timeout=20, message="hello: 5 available replicas")
        # The recording caught its first pod in its grace period, a replacement beside it.
        core = client.CoreV1Api(api)
        first = sorted(p.metadata.name for p in core.list_namespaced_pod("default").items)[0]
        core.delete_namespaced_pod(first, "default")

        def replaced() -> bool:
            pods = core.list_namespaced_pod("default").items
            serving = [
                p
                for p in pods
                if not p.metadata.deletion_timestamp
                and any(c.type == "Ready" and c.status == "True" for c in p.status.conditions or ())
            ]
            return len(pods) == 6 and len(serving) == 5 and available(5)

        wait_for(replaced, timeout=20, message="hello: 5 ready pods beside the terminating one")
    finally:
        api.close()
    wait_for(cluster.wait_settled, timeout=20, message="the demo cluster to settle")


def replay_all(cluster: DemoCluster, kubectl: Kubectl, http: httpx.Client) -> dict[str, Answer]:
    """Every recorded request, by the name of its recording."""
    _settle(cluster, kubectl)
    answers: dict[str, Answer] = {}

    def get(name: str, path: str, accept: str | None = None) -> Answer:
        headers = {"Accept": accept} if accept else {}
        answers[name] = _answer(http.get(path, headers=headers))
        return answers[name]

    pods = get("pods", f"{NS}/pods?limit=500").body["items"]
    # The recording's single pod (Table, watched label change) is its terminating one.
    terminating = next(p for p in pods if p["metadata"].get("deletionTimestamp"))["metadata"]
    first_page = get("pods_page2", f"{NS}/pods?limit=2").body
    get("pods_page2_next", f"{NS}/pods?limit=2&continue={first_page['metadata']['continue']}")
    get("services", f"{NS}/services")
    get("endpointslices", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices")
    get("deployments", f"{APPS}/deployments")
    get("nodes", "/api/v1/nodes")
    get("table_pods", f"{NS}/pods", TABLE)
    get("table_services", f"{NS}/services", TABLE)
    get("table_deployments", f"{APPS}/deployments", TABLE)
    get("table_pod_one", f"{NS}/pods/{terminating['name']}", TABLE)
    get("table_fallback", f"{NS}/pods", f"{TABLE},application/json")
    get("err404", f"{NS}/pods/does-not-exist")
    get("err404_kind", f"{APPS}/nosuchthings")
    get("scale_get", f"{APPS}/deployments/hello/scale")
    get("err410_list", f"{NS}/pods?limit=1&continue={MADE_UP_CONTINUE}")
    answers["err409"] = _answer(
        http.post(
            f"{NS}/services",
            json={"metadata": {"name": "hello-clusterip"}, "spec": {"ports": [{"port": 80}]}},
        )
    )
    answers["err422"] = _answer(
        http.post(
            f"{NS}/services",
            json={"metadata": {"name": "Bad_Name"}, "spec": {"ports": [{"port": 0}]}},
        )
    )
    answers["err422_patch"] = _answer(
        http.patch(
            f"{APPS}/deployments/hello/scale",
            content=b'{"spec":{"replicas":-1}}',
            headers=MERGE_PATCH,
        )
    )
    version = http.get(f"{NS}/pods").json()["metadata"]["resourceVersion"]
    poked = terminating["name"]

    def poke() -> None:
        http.patch(
            f"{NS}/pods/{poked}",
            content=b'{"metadata":{"labels":{"poked":"yes"}}}',
            headers=MERGE_PATCH,
        ).raise_for_status()

    started = time.monotonic()
    answers["watch"] = _watch(
        http,
        f"{NS}/pods?watch=true&resourceVersion={version}&allowWatchBookmarks=true"
        f"&timeoutSeconds={WATCH_SECONDS}",
        during=poke,
    )
    assert time.monotonic() - started >= WATCH_SECONDS - 0.5, "the watch ended before its timeout"
    answers["watch_old_rv"] = _watch(
        http, f"{NS}/pods?watch=true&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=1"
    )
    answers["watch_no_rv"] = _watch(http, f"{NS}/services?watch=true&timeoutSeconds=2")
    answers["watch_forbidden_style"] = _watch(http, f"{NS}/pods?watch=true&fieldSelector=bogus%3Dx")
    return answers
