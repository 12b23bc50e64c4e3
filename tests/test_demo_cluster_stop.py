"""`k9lite demo-cluster` under load: refuses runaway scales and stops on Ctrl+C at once."""

from __future__ import annotations

import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import yaml

from k9lite.demo.cluster import kubeconfig_document
from tests.conftest import Kubectl, wait_for

# The brief's bound: SIGINT or SIGTERM ends demo-cluster within 2 s, whatever it is doing.
STOP_BOUND = 2.0


def start_demo_cluster(kubeconfig: Path) -> subprocess.Popen[str]:
    """`k9lite demo-cluster --kubeconfig-out FILE`, returned once its banner says it is up."""
    process = subprocess.Popen(
        [sys.executable, "-m", "k9lite.cli", "demo-cluster", "--kubeconfig-out", str(kubeconfig)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    for _ in range(40):  # a dozen lines of banner; bounded in case it never comes
        line = process.stdout.readline()
        if not line or "Ctrl+C stops it." in line:
            break
    assert process.poll() is None, process.communicate()
    return process


def test_sigint_during_a_big_scale_stops_within_the_bound(tmp_path: Path) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    # A kubeconfig an earlier run wrote, left world-readable: replaced, and 0600 from now on.
    kubeconfig.write_text(yaml.safe_dump(kubeconfig_document("https://127.0.0.1:1", b"x", "old")))
    kubeconfig.chmod(0o644)
    process = start_demo_cluster(kubeconfig)
    try:
        assert stat.S_IMODE(kubeconfig.stat().st_mode) == 0o600
        assert "token: old" not in kubeconfig.read_text()
        kubectl = Kubectl(kubeconfig, tmp_path / "cache")
        refused = kubectl.run(
            "scale", "deploy", "hostname-server", "--replicas=2147483647", check=False
        )
        assert refused.returncode == 1
        assert "the demo cluster runs at most 20,000 pods" in refused.stderr, refused.stderr
        # 3,000 pods: more than the two workers' pod networks hold (2 x 253), so the kubelets
        # are busy starting pods and reporting the ones that get no address.
        kubectl("scale", "deploy", "hostname-server", "--replicas=3000")

        def sandbox_failures() -> str:
            return kubectl(
                "get", "events", "--field-selector", "reason=FailedCreatePodSandBox", "-o", "name"
            )

        # Under load: 506 pods running a web server each, more being turned away.
        wait_for(sandbox_failures, timeout=120, message="pods the kubelets had no address for")
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    print(f"stopped in {took:.2f}s")
    assert took <= STOP_BOUND, f"demo-cluster took {took:.2f}s to stop after SIGINT"
    assert "demo cluster stopped" in out
    for noise in ("Traceback", "Task exception was never retrieved", "no free pod IP"):
        assert noise not in err, err


def test_sigterm_stops_it_too(tmp_path: Path) -> None:
    process = start_demo_cluster(tmp_path / "kubeconfig")
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert time.monotonic() - started <= STOP_BOUND
    assert process.returncode == 0, err
    assert "demo cluster stopped" in out
