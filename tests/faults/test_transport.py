"""TCP-level faults between the watcher and the cluster: cut, slow, hung and refused connections.

Each ends with the watcher's ClusterState holding exactly what `kubectl get` reports through the
same kubeconfig, within a bounded time, and while it fails the status names the reason.
"""

from __future__ import annotations

from collections.abc import Callable

from k9lite.kube import KindStatus
from k9lite.kube.api import DEFAULT_KINDS
from tests.conftest import Kubectl, wait_for
from tests.faults.bench import FaultBench, Front


def behind_the_proxy(bench: FaultBench) -> Kubectl:
    """kubectl straight to the cluster, for changes made while the proxy is failing."""
    return Kubectl(bench.demo.kubeconfig_path, bench.directory / "direct-cache")


def watching(front: Front, bench_for: Callable[[Front], FaultBench]) -> FaultBench:
    """A bench whose watcher has converged once."""
    bench = bench_for(front)
    bench.watch()
    bench.converged()
    return bench


def every_kind(bench: FaultBench, wanted: Callable[[KindStatus], bool], what: str) -> None:
    wait_for(
        lambda: (
            len(latest := bench.recorder.latest()) == len(DEFAULT_KINDS)
            and all(wanted(s) for s in latest.values())
        ),
        timeout=10,
        message=what,
    )


def test_cut_connections_converge(bench_for: Callable[[Front], FaultBench]) -> None:
    bench = watching("tcp", bench_for)
    assert bench.tcp is not None
    for replicas in (3, 1):
        bench.tcp.cut()
        bench.kubectl("scale", "deployment/pod", f"--replicas={replicas}")
        snapshot = bench.converged()
        pods = [name for _, name in snapshot["pods"] if name.startswith("pod-")]
        assert len(pods) == replicas


def test_slow_connection_converges(bench_for: Callable[[Front], FaultBench]) -> None:
    bench = watching("tcp", bench_for)
    assert bench.tcp is not None
    bench.tcp.delay = 0.1
    bench.kubectl("scale", "deployment/pod", "--replicas=2")
    snapshot = bench.converged(timeout=20)
    assert len([name for _, name in snapshot["pods"] if name.startswith("pod-")]) == 2


def test_hung_connection_is_a_stall_and_restarts(bench_for: Callable[[Front], FaultBench]) -> None:
    bench = watching("tcp", bench_for)
    assert bench.tcp is not None

    bench.tcp.hang()
    every_kind(bench, lambda s: s.reason == "timeout", "every kind to time out")
    stalls = [s for s in bench.recorder.since({}) if "no event or bookmark" in s.message]
    assert stalls, "a silent watch was not reported as stalled"
    assert all(s.state == "reconnecting" and s.hint for s in stalls)
    behind_the_proxy(bench)("scale", "deployment/pod", "--replicas=2")

    bench.tcp.hang(False)
    snapshot = bench.converged()
    assert len([name for _, name in snapshot["pods"] if name.startswith("pod-")]) == 2


def test_refused_connections_say_so_then_converge(
    bench_for: Callable[[Front], FaultBench],
) -> None:
    bench = watching("tcp", bench_for)
    assert bench.tcp is not None

    bench.tcp.down()
    every_kind(bench, lambda s: s.reason == "refused", "every kind refused")
    status = bench.recorder.latest()["pods"]
    assert status.state == "reconnecting"
    assert status.message == f"cannot reach {bench.tcp.url}: connection refused"
    assert "is the API server running?" in status.hint
    behind_the_proxy(bench)("delete", "deployment/pod")

    bench.tcp.up()
    snapshot = bench.converged()
    assert ("default", "pod") not in snapshot["deployments"]


def test_a_hung_first_list_times_out_then_converges(
    bench_for: Callable[[Front], FaultBench],
) -> None:
    bench = bench_for("tcp")
    assert bench.tcp is not None
    bench.tcp.hang()
    bench.watch()

    # Bounded by the connect and read timeouts (1 s and 2 s here), not the 120 s of before.
    every_kind(bench, lambda s: s.reason == "timeout", "every first list to time out")
    assert not bench.recorder.relists, "a list arrived through a hung connection"
    status = bench.recorder.latest()["pods"]
    assert status.message == f"cannot reach {bench.tcp.url}: timed out waiting for an answer"

    bench.tcp.hang(False)
    bench.converged()
