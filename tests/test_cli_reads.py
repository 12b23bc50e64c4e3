"""One-shot commands read what their rules need, as kubectl would ask for it, not whole kinds.

The demo server logs each request it is sent (`ServerFaults.requests`); each test runs a
command and reads the log: no unfiltered list of pods across namespaces, no watch, the Service
by one GET and its EndpointSlices by the `kubernetes.io/service-name` label. The findings that
look beyond the Service (pods in another namespace, a selector that matches none) still come.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from k9lite.cli import main
from k9lite.commands.reads import selector_queries
from k9lite.demo.cluster import DemoCluster
from k9lite.demo.runtime import ClusterRuntime
from k9lite.model.kinds import decode
from k9lite.model.services import Service
from tests.conftest import FAST, wait_for


@pytest.fixture(scope="module")
def cluster() -> Iterator[DemoCluster]:
    """The default scenario beside noep-namespace (the pods of Service api run in backend)."""
    options = dataclasses.replace(FAST, scenarios=("default", "noep-namespace"))
    with DemoCluster(options) as demo:
        assert demo.wait_settled(timeout=30), "the demo's Deployments did not become ready"
        yield demo


def requests_of(cluster: DemoCluster, *args: str) -> tuple[int, list[str]]:
    """Exit status and the requests `k9lite ARGS` sent (the log off again after)."""
    log: list[str] = []

    def record(rt: ClusterRuntime, requests: list[str] | None) -> None:
        rt.server.faults.requests = requests

    cluster.call(lambda rt: record(rt, log))
    try:
        status = main([*args, "--kubeconfig", str(cluster.kubeconfig_path)])
    finally:
        cluster.call(lambda rt: record(rt, None))
    return status, list(log)


def lists(requests: list[str], plural: str) -> list[dict[str, list[str]]]:
    """The query of each GET of a collection of `plural` (in a namespace or across all)."""
    found = []
    for line in requests:
        method, target = line.split(" ", 1)
        url = urlsplit(target)
        if method == "GET" and url.path.endswith("/" + plural):
            found.append(parse_qs(url.query))
    return found


def test_diagnose_one_service_lists_no_pods_of_the_whole_cluster(
    cluster: DemoCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    status, requests = requests_of(
        cluster, "diagnose", "-n", "default", "api", "--no-check", "-o", "json"
    )
    [document] = json.loads(capsys.readouterr().out)
    # The finding that looks at other namespaces is still found...
    checks = {finding["check"] for finding in document["findings"]}
    assert "pods-in-other-namespace" in checks, document
    assert status == 1
    # ...with the pods its selector picks, never every pod of every namespace.
    assert "GET /api/v1/namespaces/default/services/api" in requests, requests
    pods = lists(requests, "pods")
    assert pods, requests
    for line in requests:
        assert not line.startswith("GET /api/v1/pods?") or "Selector=" in line, requests
        assert "watch=" not in line, requests
    slices = lists(requests, "endpointslices")
    assert [q["labelSelector"] for q in slices] == [["kubernetes.io/service-name=api"]], requests
    assert not lists(requests, "nodes"), "a ClusterIP Service's diagnosis reads no node"


def test_route_reads_the_service_its_slices_and_its_pods(
    cluster: DemoCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    wait_for(
        lambda: requests_of(cluster, "route", "-n", "default", "svc-3")[0] == 0,
        message="the route of svc-3",
    )
    capsys.readouterr()
    status, requests = requests_of(cluster, "route", "-n", "default", "svc-3", "--json")
    route = json.loads(capsys.readouterr().out)
    assert status == 0 and route["lanes"], route
    plurals = {urlsplit(line.split(" ", 1)[1]).path.rsplit("/", 1)[-1] for line in requests}
    assert "deployments" not in plurals and "replicasets" not in plurals, requests
    pods = lists(requests, "pods")
    assert pods and all("labelSelector" in q for q in pods), requests
    # svc-3 is a LoadBalancer: every node carries its NodePort, so the nodes are read.
    assert len(lists(requests, "nodes")) == 1, requests


def test_diagnose_every_namespace_reads_whole_kinds_once_and_no_others(
    cluster: DemoCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    status, requests = requests_of(cluster, "diagnose", "-A", "--no-check")
    out = capsys.readouterr().out
    assert "api" in out and status == 1, out
    for plural in ("services", "endpointslices", "pods"):
        assert len(lists(requests, plural)) == 1, (plural, requests)
    # No Service here has externalTrafficPolicy: Local, the one rule that reads nodes.
    for plural in ("nodes", "events", "namespaces"):
        assert not lists(requests, plural), (plural, requests)
    assert not any("watch=" in line for line in requests), requests


def _service(name: str, selector: dict[str, str] | None) -> Service:
    spec = {} if selector is None else {"selector": selector}
    raw = {"metadata": {"name": name, "namespace": "default", "uid": name}, "spec": spec}
    service = decode("services", raw)
    assert isinstance(service, Service)
    return service


def test_selectors_with_the_same_keys_share_one_query() -> None:
    services = [
        _service("a", {"app": "web"}),
        _service("b", {"app": "api"}),
        _service("c", {"app": "db", "tier": "back"}),
        _service("d", {"app": ""}),
        _service("e", None),
    ]
    assert selector_queries(services) == ["app in (api,web)", "app=db,tier=back", "app="]


LEAN_RUN = """
import sys
from k9lite.cli import main
status = main(sys.argv[1:])
heavy = ("textual", "kubernetes", "aiohttp", "k9lite.ui", "urllib3", "asyncio")
loaded = sorted({m for m in sys.modules for h in heavy if m == h or m.startswith(h + ".")})
print(status, loaded[:5], file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["route", "svc-3"],
        ["diagnose", "my-service", "--no-check"],
        ["diagnose", "-A", "--no-check"],
    ],
)
def test_one_shots_start_without_the_tui_or_the_official_client(
    cluster: DemoCluster, args: list[str]
) -> None:
    """Their import is most of a one-shot's time: the TUI, the official client (oauthlib,
    requests, its models), aiohttp and asyncio (for `--no-check`) and urllib3 (the getter
    speaks http.client) are never imported."""
    kubeconfig = str(cluster.kubeconfig_path)
    result = subprocess.run(
        [sys.executable, "-c", LEAN_RUN, *args, "--kubeconfig", kubeconfig],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    status, _, loaded = result.stderr.strip().splitlines()[-1].partition(" ")
    assert status in ("0", "1") and result.stdout, result.stderr
    assert loaded == "[]", result.stderr
