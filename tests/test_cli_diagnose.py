"""`k9lite diagnose [-n NS | -A] [SERVICE] [-o json] [--no-check]` on the demo's default scenario.

The scenario (W2, W3, W5, W6) has exactly one problem: my-service selects its Deployment's own
label (W6). The report must name it, once, and raise no other alarm; every healthy Service's pods
must be asked and answer. Then the issue's walkthrough: with the selector fixed, the pods refuse
targetPort 4000, and the printed targetPort fix, run with the real kubectl as a user would paste
it, makes each of the three pods answer.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator

import pytest

from k9lite.cli import main
from k9lite.demo.cluster import DemoCluster
from tests.analysis.test_doctor_rules_demo import shop_ingress
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


def report(out: str) -> dict[str, list[str]]:
    """The namespace report's table: each Service's cells (VERDICT as one cell)."""
    lines = out.split("\n\n")[0].splitlines()
    assert lines[0].split() == ["NAME", "VERDICT", "ENDPOINTS", "FIRST", "PROBLEM"], lines[0]
    table = {}
    for line in lines[1:]:
        name, mark, word, endpoints, *problem = line.split(maxsplit=4)
        table[name] = [f"{mark} {word}", endpoints, *problem]
    return table


def test_the_report_names_the_w6_error_once_and_nothing_else(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert diagnose(kubeconfig) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert "\x1b" not in out, "ANSI escapes on a stdout that is not a terminal"
    table = report(out)
    assert sorted(table) == services(kubectl)
    assert table["my-service"][:2] == ["✗ error", "0/0"], table["my-service"]
    assert table["my-service"][2].startswith("the selector app=my-app-2 "), table["my-service"]
    for name in (*HEALTHY, "kubernetes"):
        assert table[name][0] == "✓ ok", (name, table[name])
    assert [table[name][1] for name in HEALTHY] == ["2/2"] * 3
    # Details follow for the failing Service only: my-service's, its fix one whole line.
    found = dict(blocks(out.split("\n\n", 1)[1]))
    assert list(found) == ["my-service"], out
    errors = [line for line in out.splitlines() if line.startswith("✗ error")]
    assert len(errors) == 1 and errors[0].startswith("✗ error   the selector app=my-app-2 ")
    assert "! warning" not in out, out
    (fix,) = [line for line in out.splitlines() if "kubectl" in line]
    assert fix.rstrip() == f"  fix     {FIX}", fix


def test_json_has_exactly_one_error_finding(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert diagnose(kubeconfig, "-o", "json") == 1
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
    verdicts = {entry["service"]: entry["verdict"] for entry in document}
    assert verdicts == {name: "error" if name == "my-service" else "ok" for name in verdicts}
    for entry in document:
        if entry["service"] not in HEALTHY:
            continue
        checks = [finding["check"] for finding in entry["findings"]]
        assert checks == ["endpoints-answer"], (entry["service"], entry["findings"])
        assert entry["endpoints"] == {"ready": 2, "total": 2}
        (port,) = entry["check"]["ports"]
        answered = {tried["endpoint"]["pod"]: tried["outcome"]["status"] for tried in port["tried"]}
        assert len(answered) == 2 and set(answered.values()) == {200}, port


def test_a_healthy_service_exits_0_and_says_each_pod_answered(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert diagnose(kubeconfig, "clusterip-hostname-service") == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[:3] == [
        "Service default/clusterip-hostname-service",
        "✓ no problems found",
        "i info    port 8080 -> targetPort 80: each of the 2 pods answered on 80",
    ], out
    pods = kubectl("get", "pods", "-l", "app=hostname-server", "-o", "name").split()
    for pod in pods:
        name = pod.removeprefix("pod/")
        assert any(line.strip().startswith(f"pod {name} (") for line in lines), (name, out)
    assert "HTTP 200 in " in out
    assert "through the service proxy: 3 of 3 requests answered" in out
    padded = [line for line in lines if line != line.rstrip()]
    assert padded == [], "lines ending in spaces on a stdout that is not a terminal"


def test_no_check_sends_nothing_and_says_no_problems(
    kubeconfig: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert diagnose(kubeconfig, "clusterip-hostname-service", "--no-check") == 0
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


def test_a_service_with_all_namespaces_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", "-A", "my-service"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "k9lite diagnose: my-service is one Service: name its namespace with -n, not -A"
    ]


def test_w6_after_the_selector_fix_the_check_names_port_4000_and_its_fix_heals_it(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's walkthrough: the selector patched, my-service has 3 ready endpoints that
    refuse port 4000 (the container declares none; the demo image listens on 80). diagnose must
    exit 1 naming port 4000; the targetPort patch it prints, run with kubectl, heals it."""
    kubectl("patch", "svc", "my-service", "-p", '{"spec":{"selector":{"app":"my-app"}}}')
    pods = kubectl("get", "pods", "-l", "app=my-app", "-o", "jsonpath={.items[*].status.podIP}")
    assert len(pods.split()) == 3, pods
    wait_for(
        lambda: ready_endpoints(kubectl, "my-service") == {f"{ip}:4000" for ip in pods.split()},
        timeout=10,
        message="my-service's three endpoints on 4000",
    )
    capsys.readouterr()
    assert diagnose(kubeconfig, "my-service") == 1
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    words = " ".join(out.split())  # the console folds long titles at 80 columns
    assert words.startswith(
        "Service default/my-service ✗ error port 80 -> targetPort 4000: no pod answers on 4000: "
        "all 3 ready endpoints refuse the connection"
    ), out
    assert "declare no port 4000 (they declare none)" in words
    assert "answers on port 80 instead" in words
    assert out.count("connection refused") >= 3, out
    retarget = """'[{"op":"replace","path":"/spec/ports/0/targetPort","value":80}]'"""
    (fix,) = [line for line in lines if line.lstrip().startswith("fix ")]
    assert fix.rstrip() == (
        f"  fix     kubectl patch service my-service -n default --type=json -p {retarget}"
    ), fix
    kubectl(*shlex.split(fix.strip().removeprefix("fix"))[1:])

    def healthy() -> str | None:
        capsys.readouterr()
        status = diagnose(kubeconfig, "my-service")
        out, err = capsys.readouterr()
        return out if status == 0 and err == "" else None

    out = wait_for(healthy, timeout=10, message="diagnose my-service to exit 0")
    assert "each of the 3 pods answered on 80" in out, out
    for name in kubectl("get", "pods", "-l", "app=my-app", "-o", "name").split():
        assert f"pod {name.removeprefix('pod/')} (" in out, (name, out)


def test_all_namespaces_is_a_line_per_service_with_its_namespace(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    kubectl("create", "namespace", "second")
    kubectl("create", "service", "clusterip", "lonely", "--tcp=80", "-n", "second")
    capsys.readouterr()
    assert main(["diagnose", "--kubeconfig", kubeconfig, "-A"]) == 1
    out, _ = capsys.readouterr()
    lines = out.split("\n\n")[0].splitlines()
    assert lines[0].split()[:2] == ["NAMESPACE", "NAME"], lines[0]
    rows = {tuple(line.split()[:2]): line for line in lines[1:]}
    expected = {("default", name) for name in services(kubectl)} | {("second", "lonely")}
    assert set(rows) == expected, rows
    assert "✗ error" in rows[("second", "lonely")], rows


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


def test_the_namespace_report_names_an_ingress_to_a_service_that_does_not_exist(
    kubeconfig: str, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    """An Ingress route to no Service belongs to no Service's line: the report prints it after
    the Services, and -o json gives it as an entry of kind Ingress; both exit 1."""
    kubectl("create", "namespace", "shop")
    # kubectl create ingress sends protobuf, which the demo decodes for core kinds only.
    kubectl("apply", "-n", "shop", "-f", "-", stdin=shop_ingress("web", 80))
    capsys.readouterr()
    assert main(["diagnose", "--kubeconfig", kubeconfig, "-n", "shop", "--no-check"]) == 1
    out, _ = capsys.readouterr()
    table, block = out.split("\n\n")
    assert table == "No services found.", out
    header, *finding = block.splitlines()
    assert header == "Ingress shop/shop", out
    assert " ".join(" ".join(finding).split()).startswith(
        "✗ error Ingress shop routes to Service web, which does not exist in namespace shop "
        "ingress shop shop.example.com/ -> web:80"
    ), out
    assert main(["diagnose", "--kubeconfig", kubeconfig, "-n", "shop", "-o", "json"]) == 1
    (entry,) = json.loads(capsys.readouterr().out)
    assert (entry["kind"], entry["namespace"], entry["ingress"]) == ("Ingress", "shop", "shop")
    assert [f["check"] for f in entry["findings"]] == ["ingress-backend-missing"], entry
