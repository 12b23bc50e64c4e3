"""A `--scale N` demo cluster in this process, once it has settled, and what it cost.

Shared by the benchmarks: the cluster starts (nodes = pods / 50), then `wait_settled` polls until
every Service has its EndpointSlice, every pod is in one, every Deployment is available and nothing
was written for a second. `Memory` records the process's RSS before the start, at its peak and once
settled: the cluster's share is the difference, per pod.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from k9lite.demo.cluster import ClusterRuntime, DemoCluster, DemoOptions
from k9lite.demo.limits import MAX_NODES
from k9lite.demo.registry import resource

__all__ = ["BenchError", "Memory", "log", "settled_cluster"]

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
PODS_PER_NODE = 50


class BenchError(Exception):
    """The benchmark could not run (kubectl failed, the cluster did not settle...)."""


def log(message: str) -> None:
    """Progress, on stderr: the figures alone go to stdout."""
    print(f"# {message}", file=sys.stderr, flush=True)


def _status_mb(field: str) -> float:
    """A figure of /proc/self/status (VmRSS: now, VmHWM: the peak), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    raise BenchError(f"no {field} in /proc/self/status")


@dataclass(slots=True)
class Memory:
    """This process's RSS before the cluster started, at its peak until settled, and settled."""

    before_mb: float = 0.0
    peak_mb: float = 0.0
    settled_mb: float = 0.0

    def per_pod_bytes(self, pods: int) -> float:
        """The cluster's settled RSS (all its objects, not only pods) shared out per pod."""
        return (self.settled_mb - self.before_mb) * 1024 * 1024 / max(1, pods)


@dataclass(frozen=True, slots=True)
class SettleState:
    """What is still moving: Services without slices, pods in slices, Deployments rolling."""

    services_without_slice: int
    endpoints: int
    deployments_rolling: int
    resource_version: int


def settle_state(rt: ClusterRuntime) -> SettleState:
    services = {
        (s["metadata"]["namespace"], s["metadata"]["name"])
        for s in rt.store.iter(resource("Service"))
    }
    with_slice: set[tuple[str, str]] = set()
    endpoints = 0
    for slice_ in rt.store.iter(resource("EndpointSlice")):
        meta = slice_["metadata"]
        name = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL)
        if name is None:
            continue
        with_slice.add((meta["namespace"], name))
        if name != "kubernetes":  # the API server's own endpoint, not a pod
            endpoints += len(slice_.get("endpoints") or ())
    rolling = sum(
        1
        for d in rt.store.iter(resource("Deployment"))
        if d.get("status", {}).get("observedGeneration") != d["metadata"].get("generation")
        or d["status"].get("availableReplicas", 0) != d["spec"].get("replicas", 1)
    )
    return SettleState(len(services - with_slice), endpoints, rolling, rt.store.resource_version)


def wait_settled(cluster: DemoCluster, pods: int, timeout: float, quiet: float = 1.0) -> float:
    """Poll until all is done and nothing was written for `quiet` s; seconds until that calm."""
    start = time.perf_counter()
    deadline = start + timeout
    calm_since: float | None = None
    last: SettleState | None = None
    while time.perf_counter() < deadline:
        asked = time.perf_counter()
        state = cluster.call(settle_state, timeout=30)
        now = time.perf_counter()
        # A poll walks every Service, slice and Deployment on the cluster's loop (0.2 s at 50,000
        # pods): polling every 0.1 s took half the loop from the controllers it waits for.
        pause = max(0.1, 4 * (now - asked))
        done = (
            state.services_without_slice == 0
            and state.endpoints == pods
            and state.deployments_rolling == 0
        )
        if not done or last is None or state.resource_version != last.resource_version:
            calm_since = now if done else None
        elif calm_since is not None and now - calm_since >= quiet:
            return calm_since - start
        last = state
        time.sleep(pause)
    raise BenchError(
        f"the cluster did not settle in {timeout:.0f} s: {last.services_without_slice} Services "
        f"without an EndpointSlice, {last.endpoints} of {pods} pods in slices, "
        f"{last.deployments_rolling} Deployments not available"
        if last
        else f"the cluster did not answer in {timeout:.0f} s"
    )


@contextmanager
def settled_cluster(
    pods: int, memory: Memory | None = None
) -> Iterator[tuple[DemoCluster, float, float]]:
    """A `--scale pods` demo cluster once it has settled, with its startup and settle seconds;
    `memory` gets the RSS figures."""
    # The pod cap is raised past the pods asked for: room for the scale rounds.
    cap = max(pods + 10, 20_000)
    options = DemoOptions(
        scale=pods,
        nodes=min(max(2, pods // PODS_PER_NODE), MAX_NODES),
        scenarios=(),
        max_pods=cap,
    )
    memory = memory or Memory()
    memory.before_mb = _status_mb("VmRSS")
    start = time.perf_counter()
    with DemoCluster(options) as cluster:
        startup = time.perf_counter() - start
        log(f"cluster up in {startup:.2f} s; waiting for it to settle")
        settle = wait_settled(cluster, pods, timeout=60 + pods / 100)
        memory.peak_mb, memory.settled_mb = _status_mb("VmHWM"), _status_mb("VmRSS")
        yield cluster, startup, settle
