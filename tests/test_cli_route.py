"""`k9lite route [-n NS] SERVICE`: plain text from a real demo cluster, errors in one line.

The in-process tests call `main` as the console script does, with the test's capture standing in
for a pipe (not a terminal), so the diagram must come without ANSI escapes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from k9lite.cli import main
from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl, wait_for

W2 = "clusterip-hostname-service"


def ready_endpoints(kubectl: Kubectl, service: str) -> set[str]:
    """The ready address:port pairs of a Service's EndpointSlices, as kubectl reads them."""
    slices = json.loads(
        kubectl(
            "get", "endpointslices", "-l", f"kubernetes.io/service-name={service}", "-o", "json"
        )
    )["items"]
    return {
        f"{address}:{port['port']}"
        for endpoint_slice in slices
        for port in endpoint_slice.get("ports") or ()
        for endpoint in endpoint_slice.get("endpoints") or ()
        if endpoint.get("conditions", {}).get("ready")
        for address in endpoint["addresses"]
    }


@pytest.fixture
def kubeconfig(cluster: DemoCluster, kubectl: Kubectl) -> str:
    """The default demo cluster's kubeconfig, once the hostname Services have both endpoints."""
    assert cluster.wait_settled(), "the demo's Deployments did not become ready"
    services = (W2, "nodeport-hostname-service")
    wait_for(
        lambda: all(len(ready_endpoints(kubectl, s)) == 2 for s in services),
        timeout=10,
        message=f"the 2 ready endpoints of each of {services}",
    )
    return str(cluster.kubeconfig_path)


@pytest.fixture(autouse=True)
def no_forced_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rich honours these over "not a terminal"; the tests are about the default behaviour.
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


def hostname_facts(kubectl: Kubectl) -> tuple[str, list[str]]:
    """W2's ClusterIP:8080 and its two pods' IP:80, from the cluster's objects."""
    cluster_ip = kubectl("get", "service", W2, "-o", "jsonpath={.spec.clusterIP}")
    listed = json.loads(kubectl("get", "pods", "-l", "app=hostname-server", "-o", "json"))
    pod_ips = sorted(f"{pod['status']['podIP']}:80" for pod in listed["items"])
    assert len(pod_ips) == 2, pod_ips
    return f"{cluster_ip}:8080", pod_ips


@pytest.mark.parametrize(
    "argv",
    [
        ["route", "-n", "default", "--kubeconfig", "KUBECONFIG", W2],
        ["--kubeconfig", "KUBECONFIG", "-n", "default", "route", W2],
    ],
    ids=["options-after-route", "options-before-route"],
)
def test_route_prints_the_cluster_ip_and_both_pods(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    cluster_ip, pod_ips = hostname_facts(kubectl)
    capsys.readouterr()  # what the fixtures printed is not the command's
    assert main([kubeconfig if arg == "KUBECONFIG" else arg for arg in argv]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith(f"Service default/{W2}  ClusterIP"), out
    assert cluster_ip in out
    for pod_ip in pod_ips:
        assert pod_ip in out
    assert "\x1b" not in out, "ANSI escapes on a stdout that is not a terminal"


def test_unknown_service_is_one_line_listing_the_namespace(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    names = kubectl("get", "services", "-n", "default", "-o", "jsonpath={.items[*].metadata.name}")
    there = ", ".join(sorted(names.split()))
    assert W2 in there and "svc-3" in there, there
    capsys.readouterr()
    assert main(["route", "-n", "default", "--kubeconfig", kubeconfig, "nope"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [f"k9lite: no service 'nope' in namespace default; there: {there}"]


def test_missing_kubeconfig_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-kubeconfig"
    assert main(["route", "--kubeconfig", str(missing), "-n", "default", W2]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("k9lite: ") and str(missing) in lines[0], err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["-A", "-n", "default", "route", W2],
        ["-A", "route", "-n", "default", W2],
    ],
    ids=["both-before", "namespace-after"],
)
def test_namespace_and_all_namespaces_together_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "cannot be used together" in err
    assert err.splitlines()[0].startswith("usage: k9lite")


def test_all_namespaces_has_no_meaning_for_one_service(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["-A", "route", W2])
    assert exited.value.code == 2
    assert "route works in one namespace" in capsys.readouterr().err


def test_console_script_prints_plain_text(kubeconfig: str, kubectl: Kubectl) -> None:
    listed = json.loads(kubectl("get", "nodes", "-o", "json"))["items"]
    node_ports = [
        f"{a['address']}:30080  {node['metadata']['name']}"
        for node in listed
        for a in node["status"]["addresses"]
        if a["type"] == "InternalIP"
    ]
    assert len(node_ports) == 3, node_ports
    script = Path(sys.executable).with_name("k9lite")
    assert script.exists(), f"no console script at {script}: install the package"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
    }
    result = subprocess.run(
        [
            str(script),
            "route",
            "--kubeconfig",
            kubeconfig,
            "-n",
            "default",
            "nodeport-hostname-service",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert out.startswith("Service default/nodeport-hostname-service  NodePort"), out
    assert "NodePort 30080 on every node" in out
    assert "\x1b" not in out, "ANSI escapes on a pipe"
    for node_port in node_ports:  # every node, the master too, at its InternalIP
        assert node_port in out, out


def test_route_json_lists_the_hops_the_diagram_draws(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    cluster_ip, pod_ips = hostname_facts(kubectl)
    capsys.readouterr()
    assert main(["route", "--kubeconfig", kubeconfig, "-n", "default", W2, "--json"]) == 0
    route = json.loads(capsys.readouterr().out)
    (lane,) = route["lanes"]
    stages = {stage["kind"]: stage for stage in lane["stages"]}
    assert [hop["address"] for hop in stages["cluster-ip"]["hops"]] == [cluster_ip]
    # A hop's id is an object, not a string to split: what it is and which one.
    assert stages["cluster-ip"]["hops"][0]["key"] == {"kind": "cluster-ip", "name": "", "rule": ""}
    endpoints = stages["endpoints"]["hops"]
    assert sorted(hop["address"] for hop in endpoints) == pod_ips
    assert {hop["key"]["kind"] for hop in endpoints} == {"endpoint"}
    assert {hop["health"] for hop in endpoints} == {"ok"}


def test_piped_output_keeps_whole_lines(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    """A named targetPort no pod declares: the reason is the end of a long line, never cut."""
    kubectl(
        "patch", "service", W2, "--type=json",
        "-p", '[{"op":"replace","path":"/spec/ports/0/targetPort","value":"web-console"}]',
    )  # fmt: skip
    capsys.readouterr()
    assert main(["route", "--kubeconfig", kubeconfig, "-n", "default", W2]) == 0
    out = capsys.readouterr().out
    assert "no port named 'web-console' in the pod" in out, out
    assert "…" not in out, "a line was cut"
