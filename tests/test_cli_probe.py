"""`k9lite probe [-n NS] SERVICE`: the summary, JSON, exit statuses and one-line errors.

In-process like tests/test_cli_route.py: `main` as the console script calls it, against the
conftest's demo cluster, its output captured. The W6 Service with no endpoints also runs the
console script itself, so that a hang would end at the subprocess timeout, not in CI's.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from k9lite.cli import main
from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl, wait_for
from tests.test_cli_route import no_forced_colour, ready_endpoints  # noqa: F401 (autouse)
from tests.traffic.test_probe_demo import http_server, listed_pods

W2 = "clusterip-hostname-service"


@pytest.fixture
def kubeconfig(cluster: DemoCluster, kubectl: Kubectl) -> str:
    """The default demo cluster's kubeconfig, once W2 has both its endpoints ready."""
    assert cluster.wait_settled(), "the demo's Deployments did not become ready"
    wait_for(lambda: len(ready_endpoints(kubectl, W2)) == 2, message=f"the 2 endpoints of {W2}")
    return str(cluster.kubeconfig_path)


def probe(kubeconfig: str, *args: str) -> int:
    """`k9lite probe --kubeconfig K -n default ARGS...`."""
    return main(["probe", "--kubeconfig", kubeconfig, "-n", "default", *args])


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections: bound, never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_json_summary_names_the_pods_kubectl_lists(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    pods = listed_pods(kubectl)
    capsys.readouterr()
    assert probe(kubeconfig, W2, "--count", "200", "--concurrency", "4", "--json") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert len(out.splitlines()) == 1, out
    document = json.loads(out)
    assert (document["service"], document["via"]) == (W2, "proxy")
    assert (document["sent"], document["answered"], document["failed"]) == (200, 200, 0)
    assert 0 < document["seconds"] < 60
    counts = {p["pod"]: p["count"] for p in document["pods"]}
    assert set(counts) == set(pods) and sum(counts.values()) == 200, counts
    assert all(count > 0 for count in counts.values()), counts
    assert {p["pod"]: p["node"] for p in document["pods"]} == pods
    assert 0 <= document["fairness_p"] <= 1


def test_the_text_summary_is_a_histogram_per_pod(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    pods = listed_pods(kubectl)
    capsys.readouterr()
    assert probe(kubeconfig, W2, "--count", "40") == 0
    out, err = capsys.readouterr()
    assert err == ""
    # Through the API server's proxy the connections are kept whatever --keepalive says.
    assert out.startswith(f"{W2} via proxy · 40 requests · keep-alive to the API server\n"), out
    assert "40 sent · 40 answered · 0 failed" in out
    for pod, node in pods.items():
        assert any(pod in line and node in line for line in out.splitlines()), (pod, out)
    assert "fairness: p" in out
    assert "\x1b" not in out, "ANSI escapes on a stdout that is not a terminal"


def test_match_names_the_pods_in_a_custom_body(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    pods = listed_pods(kubectl)
    speakers = [*sorted(pods), "ghost-7f9c"]  # the last names no pod of the Service
    with http_server(lambda n: f"<html>I am pod {speakers[n % 3]} today</html>") as server:
        capsys.readouterr()
        status = probe(
            kubeconfig,
            W2,
            "--via", "url", "--url", server.url, "--match", r"I am pod (\S+)",
            "--count", "30", "--json",
        )  # fmt: skip
        arrived = server.requests
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert arrived == 30
    document = json.loads(out)
    assert (document["sent"], document["answered"]) == (30, 30)
    by_pod = {p["pod"]: (p["node"], p["count"]) for p in document["pods"]}
    assert by_pod == {pod: (node, 10) for pod, node in pods.items()}
    assert document["unknown"] == [["ghost-7f9c", 10]]


def test_every_request_failing_exits_1(
    kubeconfig: str, closed_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{closed_port}/"
    argv = ["--via", "url", "--url", url, "--count", "3", "--timeout", "1"]
    capsys.readouterr()
    assert probe(kubeconfig, W2, *argv) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert "3 sent · 0 answered · 3 failed" in out, out
    assert f"refused 3 — connection refused by 127.0.0.1:{closed_port}" in out, out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([W2, "--match", "I am pod \\S+"], "--match needs exactly one group"),
        ([W2, "--match", "I am (pod"], "--match 'I am (pod' is not a regular expression"),
        ([W2, "--count", "0"], "--count must be 1 to 100,000"),
        ([W2, "--count", "100001"], "--count must be 1 to 100,000"),
        ([W2, "--concurrency", "65"], "--concurrency must be 1 to 64"),
        ([W2, "--via", "loadbalancer"], f"{W2} is a ClusterIP Service, not a LoadBalancer"),
        ([W2, "--via", "nodeport"], f"{W2} has no nodePort: it is a ClusterIP Service"),
        (["nope"], "no service 'nope' in namespace default; there: "),
    ],
    ids=[
        "match-no-group",
        "match-not-a-regex",
        "count-0",
        "count-100001",
        "concurrency-65",
        "loadbalancer-on-clusterip",
        "nodeport-on-clusterip",
        "unknown-service",
    ],
)
def test_bad_requests_exit_2_with_one_line(
    kubeconfig: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    capsys.readouterr()
    assert probe(kubeconfig, *args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"k9lite: {message}"), err


def test_all_namespaces_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["-A", "probe", W2])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[0].startswith("usage: k9lite")
    assert "probe works in one namespace: name it with -n, not -A" in err


def test_no_endpoints_is_one_line_naming_the_selector_not_a_hang(
    kubeconfig: str, kubectl: Kubectl
) -> None:
    # W6: my-service selects app=my-app-2, the Deployment's label; its pods carry app=my-app.
    assert kubectl("get", "service", "my-service", "-o", "jsonpath={.spec.selector.app}") == (
        "my-app-2"
    )
    script = Path(sys.executable).with_name("k9lite")
    assert script.exists(), f"no console script at {script}: install the package"
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    started = time.monotonic()
    result = subprocess.run(
        [str(script), "probe", "--kubeconfig", kubeconfig, "-n", "default", "my-service"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert time.monotonic() - started < 30
    assert (result.returncode, result.stdout) == (1, ""), result.stderr
    # The reason is the doctor's first finding, from what the probe reads (no Deployments).
    assert result.stderr.splitlines() == [
        "k9lite: my-service has no ready endpoint to answer: the selector app=my-app-2 matches "
        "no pod in namespace default"
    ]
