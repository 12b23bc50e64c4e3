"""k9lite in a real 80x24 terminal against the demo cluster: what an operator over SSH sees.

Each step reads the emulated terminal's display (tests/terminal.py), so a prompt that does not
show what is typed, a message drawn under the footer or a column cut at 80 fails here.
"""

from __future__ import annotations

import time

from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl
from tests.terminal import Terminal


def _open(cluster: DemoCluster, *args: str) -> Terminal:
    term = Terminal(["--kubeconfig", str(cluster.kubeconfig_path), *args])
    term.wait_for(lambda: "worker2" in term.text(), what="the Pods view with its nodes")
    return term


def test_typed_commands_show_and_an_unknown_kind_is_named(cluster: DemoCluster) -> None:
    with _open(cluster) as term:
        term.type(":sv")
        term.wait_for(lambda: ":sv" in term.lines()[1], what=":sv on the prompt line")
        assert term.process.poll() is None
        term.type("c\r")
        term.wait_for(lambda: "Services [5]" in term.text(), what="the Services view")
        term.type(":nosuchkind\r")
        term.wait_for(
            lambda: "✗ unknown command 'nosuchkind'" in term.text(), what="the error line"
        )


def test_80_columns_show_ip_node_ports_and_endpoints(cluster: DemoCluster) -> None:
    with _open(cluster) as term:
        header = next(line for line in term.lines() if "NAME" in line)
        assert "IP" in header.split() and header.split()[-1] == "NODE", header
        pods = [line for line in term.lines() if "127.244." in line]
        assert len(pods) == 7 and all(line.split()[-1] in ("worker1", "worker2") for line in pods)
        term.type(":svc\r")
        term.wait_for(lambda: "8080:30080/TCP" in term.text(), what="the NodePort in full")
        assert "ENDPOINTS" in term.text()
        row = next(line for line in term.lines() if "NodePort" in line)
        assert row.split()[0] == "nodeport-h…e-service", row  # cut in the middle, end kept
        assert "8080:30080/TCP" in row and "2 ready" in row, row


def test_a_scale_shows_its_result(cluster: DemoCluster, kubectl: Kubectl) -> None:
    with _open(cluster) as term:
        term.type(":deploy\r")
        term.wait_for(lambda: "Deployments [3]" in term.text(), what="the Deployments")
        term.type("s")
        term.wait_for(lambda: "Scale deployment/hostname-server" in term.text(), what="the dialog")
        term.type("3\r")  # the field opens with the current count selected: typing replaces it
        term.wait_for(
            lambda: "✓ scaled deployment/hostname-server to 3" in term.text(),
            what="the result on the message line",
        )
    replicas = kubectl("get", "deploy", "hostname-server", "-o", "jsonpath={.spec.replicas}")
    assert replicas == "3"


def test_ctrl_c_ends_the_program_within_two_seconds(cluster: DemoCluster) -> None:
    with _open(cluster) as term:
        pressed = time.monotonic()
        term.type("\x03")
        assert term.wait_exit(timeout=2) == 0
        assert time.monotonic() - pressed < 2
