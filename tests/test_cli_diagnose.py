"""`k9lite diagnose [-n NS] [SERVICE | --all] [--json]` on the demo's default scenario.

The scenario (W2, W3, W5, W6) has exactly one problem: my-service selects its Deployment's own
label (W6). The diagnosis must name it, once, and raise no other alarm; its printed fix, run with
the real kubectl as a user would paste it, must make the Service healthy.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator

import pytest

from k9lite.cli import main
from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl, wait_for
from tests.test_cli_route import ready_endpoints

HEALTHY = ("clusterip-hostname-service", "nodeport-hostname-service", "svc-3")
FIX = (
    "kubectl patch service my-service -n default -p "
    """'{"spec":{"selector":{"app":"my-app"}}}'"""
)


@pytest.fixture
def kubeconfig(cluster: DemoCluster, kubectl: Kubectl) -> str:
    """The default demo cluster's kubeconfig, once every Service has caught up with its pods:
    two ready endpoints each, and svc-3 its load balancer's address."""
    assert cluster.wait_settled(), "the demo's Deployments did not become ready"
    wait_for(
        lambda: all(len(ready_endpoints(kubectl, s)) == 2 for s in HEALTHY),
        timeout=10,
        message=f"the 2 ready endpoints of each of {HEALTHY}",
    )
    ingress = "jsonpath={.status.loadBalancer.ingress[*].ip}"
    wait_for(
        lambda: kubectl("get", "service", "svc-3", "-o", ingress).strip(),
        timeout=10,
        message="svc-3's load-balancer address",
    )
    return str(cluster.kubeconfig_path)


@pytest.fixture(autouse=True)
def no_forced_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


def diagnose(kubeconfig: str, *args: str) -> int:
    return main(["diagnose", "--kubeconfig", kubeconfig, "-n", "default", *args])


def blocks(out: str) -> Iterator[tuple[str, list[str]]]:
    """Each Service's name and the non-blank lines printed under its header."""
    lines: list[str]
    name, lines = "", []
    for line in out.splitlines():
        if line.startswith("Service default/"):
            if name:
                yield name, lines
            name, lines = line.removeprefix("Service default/"), []
        elif line.strip():
            assert name, f"a line before any Service header: {line!r}"
            lines.append(line.rstrip())
    if name:
        yield name, lines


def services(kubectl: Kubectl) -> list[str]:
    names = kubectl("get", "services", "-n", "default", "-o", "jsonpath={.items[*].metadata.name}")
    return sorted(names.split())


def test_all_names_the_w6_error_once_and_nothing_else(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert diagnose(kubeconfig, "--all") == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert "\x1b" not in out, "ANSI escapes on a stdout that is not a terminal"
    found = dict(blocks(out))
    assert sorted(found) == services(kubectl)
    errors = [line for line in out.splitlines() if "✗ error" in line]
    assert len(errors) == 1 and errors[0].startswith("✗ error   the selector app=my-app-2 ")
    assert "✗ error" in found["my-service"][0]
    assert "! warning" not in out, out
    for name in HEALTHY:
        assert found[name] == ["✓ no problems found"], (name, found[name])
    # The fix is one whole line, never wrapped, so that a copy gets the command whole.
    (fix,) = [line for line in out.splitlines() if "kubectl" in line]
    assert fix.rstrip() == f"  fix     {FIX}", fix
    assert fix in found["my-service"]


def test_json_has_exactly_one_error_finding(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert diagnose(kubeconfig, "--all", "--json") == 1
    out, err = capsys.readouterr()
    assert err == ""
    document = json.loads(out)
    assert sorted(entry["service"] for entry in document) == services(kubectl)
    assert {entry["namespace"] for entry in document} == {"default"}
    serious = [
        (entry["service"], finding["check"], finding["severity"], finding["fix"])
        for entry in document
        for finding in entry["findings"]
        if finding["severity"] != "info"
    ]
    assert serious == [("my-service", "selects-workload-labels", "error", FIX)]
    healthy = {
        entry["service"]: entry["findings"] for entry in document if entry["service"] in HEALTHY
    }
    assert healthy == {name: [] for name in HEALTHY}


def test_a_healthy_service_exits_0(kubeconfig: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert diagnose(kubeconfig, "clusterip-hostname-service") == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("Service default/clusterip-hostname-service\n✓ no problems found\n", "")


def test_unknown_service_is_one_line_listing_the_namespace(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert diagnose(kubeconfig, "nope") == 2
    out, err = capsys.readouterr()
    assert out == ""
    there = ", ".join(services(kubectl))
    assert err.splitlines() == [f"k9lite: no service 'nope' in namespace default; there: {there}"]


def test_neither_a_service_nor_all_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["diagnose", "-n", "default"])
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("usage: k9lite"), err
    assert "SERVICE" in err and "--all" in err, err


def test_the_printed_fix_run_with_kubectl_heals_my_service(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert diagnose(kubeconfig, "--all") == 1
    out, _ = capsys.readouterr()
    (fix,) = [line for line in out.splitlines() if line.lstrip().startswith("fix ")]
    assert fix.rstrip() == f"  fix     {FIX}", fix
    command = shlex.split(fix.strip().removeprefix("fix"))
    assert command[0] == "kubectl", command
    kubectl(*command[1:])
    pods = kubectl("get", "pods", "-l", "app=my-app", "-o", "jsonpath={.items[*].status.podIP}")
    assert len(pods.split()) == 3, pods
    expected = {f"{ip}:4000" for ip in pods.split()}
    wait_for(
        lambda: ready_endpoints(kubectl, "my-service") == expected,
        timeout=10,
        message=f"my-service's endpoints {sorted(expected)}",
    )

    def healthy() -> str | None:
        capsys.readouterr()
        status = diagnose(kubeconfig, "my-service")
        out, err = capsys.readouterr()
        return out if status == 0 and err == "" else None

    out = wait_for(healthy, timeout=10, message="diagnose my-service to exit 0")
    assert out == "Service default/my-service\n✓ no problems found\n"


def test_pods_in_another_namespace_are_named_by_the_cli(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    kubectl("create", "namespace", "away")
    service = "apiVersion: v1\nkind: Service\nmetadata: {name: hostname}\n"
    service += "spec: {selector: {app: hostname-server}, ports: [{port: 80}]}"
    kubectl("apply", "-n", "away", "-f", "-", stdin=service)
    capsys.readouterr()
    assert main(["diagnose", "--kubeconfig", kubeconfig, "-n", "away", "hostname", "--json"]) == 1
    (entry,) = json.loads(capsys.readouterr().out)
    checks = [(finding["check"], finding["severity"]) for finding in entry["findings"]]
    assert checks == [("pods-in-other-namespace", "error")], entry["findings"]
