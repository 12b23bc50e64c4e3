"""The cluster killed and started again on the same port, `RUNS` times in one watcher's life.

Fresh state behind the same CA and token (the watch's version means nothing to the new store:
no ghost rows may survive), fresh state with a new CA and token (written to the kubeconfig, which
the watcher re-reads), the same state (a plain API-server restart) and a rotated token. Direct:
the demo rewrites its own kubeconfig, as `demo-cluster --kubeconfig-out` does. Through the TCP
proxy the bench publishes the new kubeconfig only once the status has said why it reconnects.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest

from k9lite.demo.cluster import ClusterRuntime
from k9lite.kube.api import DEFAULT_KINDS
from tests.conftest import wait_for
from tests.faults.bench import FaultBench, Front, write_kubeconfig
from tests.faults.conftest import RUNS

CASES = [
    pytest.param(True, False, id="fresh-state-same-credentials"),
    pytest.param(True, True, id="fresh-state-new-credentials"),
    pytest.param(False, False, id="same-state"),
]


def differ_from_a_fresh_cluster(bench: FaultBench, run: int) -> None:
    """Objects a fresh cluster lacks: rows that must vanish after the restart."""
    bench.kubectl("create", "namespace", f"ghost-{run}")
    bench.kubectl("scale", "deployment/pod", "--replicas=3")
    bench.converged()


def wait_for_reason(bench: FaultBench, mark: dict[str, int], reason: str, words: str) -> None:
    """Every kind has said, since `mark`, that it reconnects for `reason`."""

    def said() -> bool:
        latest = bench.recorder.latest()
        return len(latest) == len(DEFAULT_KINDS) and all(
            s.state == "reconnecting" and s.reason == reason and words in s.message and s.hint
            for s in latest.values()
        )

    wait_for(said, message=f"every kind reconnecting for {reason} ({words})")
    assert bench.recorder.since(mark)


@pytest.mark.parametrize(("fresh", "new_credentials"), CASES)
def test_direct_restarts_converge_without_ghost_rows(
    bench_for: Callable[[Front], FaultBench], fresh: bool, new_credentials: bool
) -> None:
    bench = bench_for("direct")
    bench.watch()
    bench.converged()
    for run in range(RUNS):
        differ_from_a_fresh_cluster(bench, run)
        bench.restart(fresh=fresh, new_credentials=new_credentials)
        snapshot = bench.converged()
        ghost = ("", f"ghost-{run}")
        assert (ghost in snapshot["namespaces"]) is not fresh, f"run {run}"


@pytest.mark.parametrize(("fresh", "new_credentials"), CASES)
def test_restarts_behind_the_proxy_say_why_then_converge(
    bench_for: Callable[[Front], FaultBench], fresh: bool, new_credentials: bool
) -> None:
    bench = bench_for("tcp")
    assert bench.tcp is not None
    bench.watch()
    bench.converged()
    for run in range(RUNS):
        differ_from_a_fresh_cluster(bench, run)
        mark = bench.recorder.mark()
        bench.tcp.down()
        bench.restart(fresh=fresh, new_credentials=new_credentials)
        wait_for_reason(bench, mark, "refused", "connection refused")
        bench.tcp.up()
        if new_credentials:
            wait_for_reason(bench, mark, "tls", "was the cluster restarted?")
            bench.publish_kubeconfig()
        snapshot = bench.converged()
        ghost = ("", f"ghost-{run}")
        assert (ghost in snapshot["namespaces"]) is not fresh, f"run {run}"


def rotate_token(token: str) -> Callable[[ClusterRuntime], None]:
    """The API server accepts only `token` from now on; open watches end."""

    def rotate(rt: ClusterRuntime) -> None:
        rt.server.authenticator.replace_admin_token(token)
        rt.store.close_watches()

    return rotate


@pytest.mark.parametrize("front", ["direct", "tcp"])
def test_rotated_token_is_unauthorized_until_the_kubeconfig_changes(
    bench_for: Callable[[Front], FaultBench], front: Front
) -> None:
    bench = bench_for(front)
    bench.watch()
    bench.converged()
    for _ in range(RUNS):
        token = secrets.token_urlsafe(32)
        mark = bench.recorder.mark()

        bench.demo.call(rotate_token(token))
        wait_for_reason(bench, mark, "unauthorized", "401 Unauthorized")
        server = bench.tcp.url if bench.tcp is not None else bench.demo.url
        write_kubeconfig(bench.kubeconfig, server, bench.demo.ca_pem, token)
        bench.converged()
