"""The `k9lite` command line: demo-cluster in the foreground, and one clear line on bad input."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl


def k9lite(*args: str) -> list[str]:
    return [sys.executable, "-m", "k9lite.cli", *args]


@contextlib.contextmanager
def demo_cluster_process(*flags: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`k9lite demo-cluster FLAGS` running, with the banner it printed before waiting.

    Killed on the way out if it still runs (a failed assertion); a test stops it with Ctrl+C.
    """
    process = subprocess.Popen(
        k9lite("demo-cluster", *flags), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        banner = []
        for _ in range(40):  # the banner is a dozen lines; bounded in case it never ends
            line = process.stdout.readline()
            banner.append(line)
            if "Ctrl+C stops it." in line or not line:
                break
        yield process, "".join(banner)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def stop_with_ctrl_c(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Interrupt as a user does; the process's stdout and stderr after it ended."""
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    return out, err


def test_demo_cluster_runs_until_ctrl_c(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "demo.kubeconfig"
    with demo_cluster_process("--kubeconfig-out", str(kubeconfig)) as (process, text):
        assert f"export KUBECONFIG={kubeconfig}" in text, text
        assert "worker1 127.0.1.2" in text
        # The kubeconfig holds the token: its owner only may read it.
        assert stat.S_IMODE(kubeconfig.stat().st_mode) == 0o600
        nodes = Kubectl(kubeconfig, tmp_path / "cache")("get", "nodes")
        assert "worker2" in nodes
        out, _ = stop_with_ctrl_c(process)
    assert "demo cluster stopped" in out


def test_unknown_scenario_is_one_line_and_exit_2() -> None:
    result = subprocess.run(
        k9lite("demo-cluster", "--scenario", "nope"), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "k9lite: unknown scenario 'nope'; choose from "
        "default, empty, w1, w2, w3, w4, w5, w6, w7, w8, noep-typo, noep-namespace, "
        "noep-unready, noep-image, noep-targetport"
    ]


def test_taken_port_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            k9lite("demo-cluster", "--port", str(port)),
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "PYTHONWARNINGS": "error"},
        )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"k9lite: cannot listen on 127.0.0.1:{port}")


def test_no_kubeconfig_offers_the_demo(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "KUBECONFIG": str(tmp_path / "missing")}
    env.pop("KUBERNETES_SERVICE_HOST", None)
    result = subprocess.run(k9lite(), capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("k9lite: ") and "kubeconfig" in lines[0]
    assert lines[-1].endswith("k9lite --demo")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("kubeconfig", "expected"),
    [
        ("apiVersion: v1\nclusters: [[[\n", "k9lite: "),
        ("", "k9lite: "),
    ],
)
def test_bad_kubeconfig_is_one_line_and_exit_2(
    tmp_path: Path, kubeconfig: str, expected: str
) -> None:
    path = tmp_path / "config"
    path.write_text(kubeconfig)
    result = subprocess.run(
        k9lite("--kubeconfig", str(path)), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith(expected)


def test_cluster_errors_are_one_line_and_exit_2(tmp_path: Path, cluster: DemoCluster) -> None:
    config = yaml.safe_load(cluster.kubeconfig_path.read_text())
    wrong_token = dict(config, users=[{"name": "demo-admin", "user": {"token": "wrong"}}])
    closed = dict(config, clusters=[dict(config["clusters"][0])])
    closed["clusters"][0]["cluster"] = dict(
        closed["clusters"][0]["cluster"], server="https://127.0.0.1:1"
    )
    cases = {
        "unknown context": (config, ["--context", "nope"], 'context "nope"'),
        "401": (wrong_token, [], "Unauthorized"),
        "unreachable": (closed, [], "cannot reach"),
    }
    for case, (document, flags, expected) in cases.items():
        path = tmp_path / case.replace(" ", "-")
        path.write_text(yaml.safe_dump(document))
        result = subprocess.run(
            k9lite("--kubeconfig", str(path), *flags), capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 2, case
        assert "Traceback" not in result.stderr, case
        assert result.stderr.startswith("k9lite: ") and expected in result.stderr, (case, result)
