"""k9lite in a real 80x24 terminal against the demo cluster: what an operator over SSH sees.

Each step reads the emulated terminal's display (tests/terminal.py), so a prompt that does not
show what is typed, a message drawn under the footer or a column cut at 80 fails here.
"""

from __future__ import annotations

import os
import time

from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl, kubectl_binary
from tests.terminal import Terminal


def _open(cluster: DemoCluster, *args: str, env: dict[str, str] | None = None) -> Terminal:
    term = Terminal(["--kubeconfig", str(cluster.kubeconfig_path), *args], env=env)
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

        def laid_out() -> bool:
            """The header ends with NODE and each of the 7 pods' rows with its node. Read
            until it holds: a read may land while a frame is half written (the first AGE
            tick rewrites every row at once)."""
            lines = term.lines()
            header = next((line.split() for line in lines if "NAME" in line), [])
            pods = [line.split() for line in lines if "127.244." in line]
            nodes = {pod[-1] for pod in pods}
            workers = {"worker1", "worker2"}
            return "IP" in header and header[-1] == "NODE" and len(pods) == 7 and nodes <= workers

        term.wait_for(laid_out, what="IP and NODE on every pod's row at 80 columns")
        term.type(":svc\r")
        term.wait_for(lambda: "8080:30080/TCP" in term.text(), what="the NodePort in full")
        assert "ENDPOINTS" in term.text()
        row = next(line for line in term.lines() if "NodePort" in line)
        # Cut in the middle, its end kept (how much depends on the random ClusterIP's width).
        name = row.split()[0]
        assert name.startswith("nodeport-h") and name.endswith("e-service") and "…" in name, row
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


def test_s_on_a_pod_hands_the_terminal_to_a_shell_and_takes_it_back(cluster: DemoCluster) -> None:
    """k9s's `s`: the TUI suspends, `kubectl exec -it POD -- sh` owns the terminal (the real
    kubectl, the demo's shell behind a TTY), and the TUI comes back when the shell exits."""
    path = f"{os.path.dirname(kubectl_binary())}{os.pathsep}{os.environ.get('PATH', '')}"
    with _open(cluster, env={"PATH": path}) as term:
        pod = next(line.split()[0] for line in term.lines() if "127.244." in line)
        term.type("s")
        term.wait_for(lambda: "/ # " in term.text(), what="the shell's prompt", timeout=20)
        term.type("hostname\r")
        # The TTY echoes what is typed; the answer is the pod's name on a line of its own.
        term.wait_for(lambda: pod in [line.strip() for line in term.lines()], what="hostname")
        term.type("exit\r")
        term.wait_for(
            lambda: f"shell in pod/{pod} ended (exit status 0)" in term.text(),
            what="the TUI back, with how the shell ended",
            timeout=20,
        )
        assert "worker2" in term.text()  # the Pods view again
