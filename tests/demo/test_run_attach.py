"""`kubectl run -i` and pods/attach in the demo cluster: a container with a command runs it
through the demo shell, and completes as its exit status says.

Followed sources: kubectl pkg/cmd/run/run.go (create the pod, wait for it to run, fetch the
pre-attach logs, attach, wait for completion, exit with the container's exit code, and with --rm
delete the pod: `pod "NAME" deleted from NS namespace`; `pod NS/NAME terminated (REASON)` for a
failure); kubelet pkg/kubelet/cri/streaming/remotecommand/attach.go (an attach ends with a Success
status whatever the exit code); pkg/kubelet/status generateAPIPodStatus (phase Succeeded when
every container exited 0 under restartPolicy Never, else Failed; Ready False, PodCompleted).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl, wait_for
from tests.demo.conftest import REMOTE_COMMAND, kubectl_over
from tests.demo.test_exec import service_answers


@pytest.fixture(params=sorted(REMOTE_COMMAND))
def kubectl(request: pytest.FixtureRequest, cluster: DemoCluster, tmp_path: Path) -> Kubectl:
    """Each kubectl test over both transports of exec and attach."""
    return kubectl_over(request.param, cluster, tmp_path)


HELLO = re.compile(r"<p>Hello,  (hostname-server-\S+)</p>")
URL = "http://clusterip-hostname-service:8080"


def run_rm_i(
    kubectl: Kubectl, name: str, *argv: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`kubectl run NAME --rm -i --restart=Never --image=busybox [-- ARGV]`."""
    command = ("run", name, "--rm", "-i", "--restart=Never", "--image=busybox")
    return kubectl.run(*command, *(("--", *argv) if argv else ()), stdin=stdin, check=False)


def test_kubectl_run_rm_i_prints_the_answer_and_removes_the_pod(kubectl: Kubectl) -> None:
    service_answers(kubectl)
    ran = run_rm_i(kubectl, "t", "wget", "-qO-", URL)
    assert ran.returncode == 0, ran.stderr
    assert HELLO.search(ran.stdout), ran.stdout
    assert ran.stdout.endswith('pod "t" deleted from default namespace\n')
    # Deleted gracefully: gone once the kubelet has stopped it.
    wait_for(
        lambda: (
            kubectl.run("get", "pod", "t", check=False).stderr.strip()
            == 'Error from server (NotFound): pods "t" not found'
        ),
        message="the pod gone",
    )


def test_the_container_exit_code_is_kubectl_runs(kubectl: Kubectl) -> None:
    ran = run_rm_i(kubectl, "u", "sh", "-c", "echo bye; exit 3")
    assert (ran.returncode, ran.stdout) == (3, 'bye\npod "u" deleted from default namespace\n')
    assert "pod default/u terminated (Error)\n" in ran.stderr


def test_stdin_reaches_an_attached_sh(kubectl: Kubectl) -> None:
    """busybox's default command is `sh`: it reads the attached stdin until `exit`."""
    ran = run_rm_i(kubectl, "w", stdin="hostname\necho $HOSTNAME\nexit 2\n")
    assert (ran.returncode, ran.stdout) == (2, 'w\nw\npod "w" deleted from default namespace\n')


def test_a_completed_pod_keeps_its_phase_and_exit_code(kubectl: Kubectl) -> None:
    kubectl("run", "ok", "--restart=Never", "--image=busybox", "--", "sh", "-c", "echo fine")
    kubectl("run", "ko", "--restart=Never", "--image=busybox", "--", "sh", "-c", "exit 7")

    def phase(name: str) -> str:
        return kubectl("get", "pod", name, "-o", "jsonpath={.status.phase}")

    wait_for(lambda: phase("ok") == "Succeeded", message="ok Succeeded")
    wait_for(lambda: phase("ko") == "Failed", message="ko Failed")
    terminated = "jsonpath={.status.containerStatuses[0].state.terminated.exitCode}"
    assert kubectl("get", "pod", "ko", "-o", terminated) == "7"
    # What the process wrote is the container's log, kept after it completed.
    assert kubectl("logs", "ok") == "fine\n"
    listed = kubectl("get", "pods", "ok", "ko", "--no-headers").split("\n")
    assert [line.split()[:3] for line in listed if line] == [
        ["ok", "0/1", "Completed"],
        ["ko", "0/1", "Error"],
    ]


def test_restart_policy_always_restarts_then_backs_off(kubectl: Kubectl) -> None:
    """The first restart is at once, the next after a 10 s back-off: CrashLoopBackOff."""
    kubectl("run", "loop", "--image=busybox", "--", "sh", "-c", "echo once; exit 1")
    status = "jsonpath={.status.containerStatuses[0]}"

    def waiting() -> dict[str, Any] | None:
        found: dict[str, Any] = json.loads(kubectl("get", "pod", "loop", "-o", status) or "{}")
        return found if "waiting" in found.get("state", {}) else None

    container = wait_for(waiting, message="the back-off")
    assert container["restartCount"] == 1
    assert container["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert container["state"]["waiting"]["message"].startswith(
        "back-off 10s restarting failed container=loop pod=loop_default("
    )
    assert container["lastState"]["terminated"]["exitCode"] == 1
    row = kubectl("get", "pod", "loop", "--no-headers").split()
    assert row[1:4] == ["0/1", "CrashLoopBackOff", "1"]
