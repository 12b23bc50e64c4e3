"""The traffic probe as a library, against the demo cluster: who answers, and how often.

Real parts only: the demo cluster over HTTPS, the probe's own HTTP client, kubectl, and a
stdlib HTTP server on 127.0.0.1 where a test needs a body of its own or a server-side count.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import io
import json
import socket
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rich.console import Console

from k9lite.analysis.route_types import ROUTE_KINDS
from k9lite.analysis.routes import build_route, ready_pods_by_node
from k9lite.analysis.stats import Summary, Tally
from k9lite.demo.cluster import ClusterRuntime, DemoCluster
from k9lite.kube.config import Connection, load_connection
from k9lite.kube.feed import watching
from k9lite.model.state import ClusterState
from k9lite.render.histogram import Histogram
from k9lite.traffic.plan import PlannedProbe, ProbeRequest, plan_probe
from k9lite.traffic.runner import Probe, ProbeOptions, Reply
from k9lite.traffic.vantage import Target, Via
from tests.conftest import FAST, Kubectl, default_scenario, running_pods, wait_for

W2 = "clusterip-hostname-service"
W3 = "nodeport-hostname-service"
W4 = "local-nodeport-service"
NODE_IPS = {"master": "127.0.1.1", "worker1": "127.0.1.2", "worker2": "127.0.1.3"}

# -- helpers (tests/test_cli_probe.py and tests/ui/test_traffic_screen.py use them too) -------


def ready_pods(state: ClusterState, service: str) -> set[str]:
    """The pods the state says answer for a default-namespace Service now."""
    found = state.get("services", "default", service)
    if found is None:
        return set()
    return {pod for pods in ready_pods_by_node(build_route(state, found)).values() for pod in pods}


def listed_pods(kubectl: Kubectl, selector: str = "app=hostname-server") -> dict[str, str]:
    """Pod name -> node, as `kubectl get pods -l SELECTOR` lists them."""
    items = json.loads(kubectl("get", "pods", "-l", selector, "-o", "json"))["items"]
    return {p["metadata"]["name"]: p["spec"]["nodeName"] for p in items}


def answered(summary: Summary) -> dict[str, int]:
    """Pod -> answers, for the pods that answered at least once."""
    return {share.pod: share.count for share in summary.pods if share.count}


@contextmanager
def live(
    cluster: DemoCluster, service: str, pods: int
) -> Iterator[tuple[Connection, ClusterState]]:
    """The cluster's watched state (as `k9lite probe` keeps it), once `service` has `pods` ready."""
    connection = load_connection(str(cluster.kubeconfig_path))
    with watching(connection, ROUTE_KINDS, "default") as (feed, statuses):
        assert {k: s.state for k, s in statuses.items()} == dict.fromkeys(ROUTE_KINDS, "live")
        wait_for(
            lambda: len(ready_pods(feed.state, service)) == pods,
            message=f"{pods} ready pods of {service} in the watched state",
        )
        yield connection, feed.state


def plan(
    connection: Connection, state: ClusterState, service: str, via: Via, **options: object
) -> PlannedProbe:
    node = options.pop("node", None)
    found = state.get("services", "default", service)
    assert found is not None, f"no service {service}"
    request = ProbeRequest(service, via, ProbeOptions(**options), node=node)  # type: ignore[arg-type]
    return plan_probe(connection, state, found, request)


@contextmanager
def collected() -> Iterator[list[warnings.WarningMessage]]:
    """Record the ResourceWarnings of the block and of the garbage it leaves, collected at once
    (a socket left open by a run would otherwise warn in whichever later test the collector
    happens to run)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        yield caught
        gc.collect()


def run(planned: PlannedProbe, on_reply: Callable[[Reply], None] | None = None) -> Summary:
    """Run the probe to its end on a loop of its own, tallying every reply, as `k9lite probe`."""

    def tally(reply: Reply) -> None:
        planned.tally.add(reply.outcome)
        if on_reply is not None:
            on_reply(reply)

    asyncio.run(planned.probe.run(tally))
    return planned.tally.summary()


def require_own_node_ports(cluster: DemoCluster, port: int, nodes: set[str]) -> None:
    """Wait for this cluster's rules for `port` on `nodes`; skip when another process holds it.

    The demo data plane moves a listener whose address is taken (a demo cluster run beside this
    one), and a node without a rule must refuse: either way the probe would reach someone else.
    CI runs the tests serially, so this only skips on a shared machine.
    """

    def rules(rt: ClusterRuntime) -> tuple[set[tuple[str, int]], dict[tuple[str, int], object]]:
        assert rt.dataplane is not None
        listening = {(li.host, li.port) for li in rt.dataplane.listeners()}
        return listening, dict(rt.dataplane.port_mappings)

    wanted = {(NODE_IPS[node], port) for node in nodes}
    ours, moved = wait_for(
        lambda: (lambda got: got if wanted <= got[0] else None)(cluster.call(rules)),
        message=f"kube-proxy rules for {sorted(wanted)}",
    )
    for ip in NODE_IPS.values():
        if (ip, port) in moved or ((ip, port) not in ours and answers(ip, port)):
            pytest.skip(f"another process listens on {ip}:{port} (tests run serially in CI)")


def answers(host: str, port: int) -> bool:
    """Whether anything accepts a TCP connection at host:port."""
    with socket.socket() as sock:
        sock.settimeout(2.0)
        return sock.connect_ex((host, port)) == 0


@dataclass
class LocalServer:
    """What a stdlib HTTP server on 127.0.0.1 answered: its URL and how many GETs arrived."""

    url: str
    requests: int = 0


@contextmanager
def http_server(body: Callable[[int], str]) -> Iterator[LocalServer]:
    """A threaded HTTP server on 127.0.0.1 answering `body(n)` to its n-th request (from 0)."""
    lock = threading.Lock()
    server_state = LocalServer("")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            with lock:
                number = server_state.requests
                server_state.requests += 1
            payload = body(number).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # the command's own stderr is under test

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128  # 64 senders connect at once

    httpd = Server(("127.0.0.1", 0), Handler)
    server_state.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(target=httpd.serve_forever, name="probe-test-http", daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# -- tests with a cluster of their own (before the shared one starts: no two hold 30080) -------


def test_scaling_to_four_mid_run_brings_the_new_pods_into_the_histogram(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    before = set(listed_pods(kubectl))
    assert len(before) == 2, before
    scaled: list[BaseException | None] = []

    def scale() -> None:
        try:
            kubectl("scale", "deployment", "hostname-server", "--replicas=4")
            scaled.append(None)
        except BaseException as exc:  # reported by the test, not lost in the thread
            scaled.append(exc)

    scaler = threading.Thread(target=scale, name="kubectl-scale")
    with live(cluster, W2, 2) as (connection, state):
        planned = plan(connection, state, W2, "proxy", count=600, concurrency=2, interval=0.01)

        def on_reply(reply: Reply) -> None:
            if planned.tally.sent == 100:
                scaler.start()

        summary = run(planned, on_reply)
        scaler.join(timeout=30)
        assert scaled == [None], f"kubectl scale did not finish cleanly: {scaled}"
        wait_for(lambda: len(ready_pods(state, W2)) == 4, message="4 ready pods in the state")
        service = state.get("services", "default", W2)
        assert service is not None
        planned.expect_from(state, service)
        summary = planned.tally.summary()
    after = listed_pods(kubectl)
    new = set(after) - before
    assert len(after) == 4 and len(new) == 2, after
    assert (summary.sent, summary.answered, summary.failed) == (600, 600, 0), summary.errors
    counts = answered(summary)
    assert set(counts) == set(after), f"answered {counts}, kubectl lists {sorted(after)}"
    assert all(counts[pod] > 0 for pod in new), f"the new pods {sorted(new)} got {counts}"
    assert summary.unknown == ()
    assert {share.pod: share.expected for share in summary.pods} == dict.fromkeys(after, 0.25)
    assert {share.pod: share.node for share in summary.pods} == after


@pytest.fixture(scope="module")
def local_policy_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Summary, str, str]:
    """W4: 30 requests round robin over the 3 nodes' NodePort 30081 (Local policy, one pod);
    the other nodes drop theirs, so each waits its 0.5 s timeout.

    The summary, the pod and its node; the cluster is gone once the run is done.
    """
    with DemoCluster(dataclasses.replace(FAST, scenarios=("w4",))) as demo:
        kubectl = Kubectl(demo.kubeconfig_path, tmp_path_factory.mktemp("kube-cache"))
        ((pod, node),) = wait_for(
            lambda: listed_pods(kubectl, "app=local-server").items() or None,
            message="the local-server pod",
        )
        wait_for(lambda: running_pods(demo, "local-server-"), message="local-server Running")
        require_own_node_ports(demo, 30081, {node})
        with live(demo, W4, 1) as (connection, state):
            summary = run(
                plan(connection, state, W4, "nodeport", count=30, concurrency=3, timeout=0.5)
            )
    return summary, pod, node


def test_local_policy_answers_only_on_the_pods_node(
    local_policy_run: tuple[Summary, str, str],
) -> None:
    summary, pod, node = local_policy_run
    assert (summary.sent, summary.answered, summary.failed) == (30, 10, 20)
    by_target = {target.split()[0]: (ok, failed) for target, ok, failed in summary.by_target}
    # Round robin: 10 requests a node; only the pod's node answers, all of them by its pod.
    assert by_target == {n: (10, 0) if n == node else (0, 10) for n in NODE_IPS}
    assert [(p.pod, p.node, p.count, p.share, p.expected) for p in summary.pods] == [
        (pod, node, 10, 1.0, 1.0)
    ]
    assert [(n.node, n.count, n.share) for n in summary.nodes] == [(node, 10, 1.0)]
    assert summary.unknown == ()
    # kube-proxy DROPs on the other nodes (no local endpoint under Local): the requests time out.
    ((label, count, detail),) = [(e.label, e.count, e.detail) for e in summary.errors]
    assert (label, count, detail) == ("timeout", 20, "timed out"), summary.errors


# -- tests on one shared default cluster (none changes it) ---------------------------------


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoCluster, Kubectl]]:
    with default_scenario() as demo:
        assert demo.wait_settled(), "the demo's Deployments did not become ready"
        yield demo, Kubectl(demo.kubeconfig_path, tmp_path_factory.mktemp("kube-cache"))


def test_proxy_spreads_1000_requests_over_the_two_pods_kubectl_lists(
    shared: tuple[DemoCluster, Kubectl],
) -> None:
    cluster, kubectl = shared
    pods = listed_pods(kubectl)
    with live(cluster, W2, 2) as (connection, state):
        summary = run(plan(connection, state, W2, "proxy", count=1000, concurrency=8))
    assert (summary.sent, summary.answered, summary.failed) == (1000, 1000, 0), summary.errors
    counts = answered(summary)
    assert set(counts) == set(pods), f"answered {counts}, kubectl lists {sorted(pods)}"
    for pod, count in counts.items():
        assert 300 <= count <= 700, f"{pod} answered {count} of 1,000: {counts}"
    assert {share.pod: share.node for share in summary.pods} == pods
    assert summary.by_target == (("proxy", 1000, 0),)
    assert summary.fairness_p is not None and summary.fairness_p > 1e-6, summary.fairness_p
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(Histogram(summary, title=("w2",)))
    assert "fairness: p=" in console.file.getvalue()  # type: ignore[attr-defined]


def test_keepalive_through_one_node_port_pins_one_pod_new_connections_spread(
    shared: tuple[DemoCluster, Kubectl],
) -> None:
    cluster, kubectl = shared
    pods = listed_pods(kubectl)
    require_own_node_ports(cluster, 30080, set(NODE_IPS))
    with live(cluster, W3, 2) as (connection, state):
        options = {"node": "worker1", "count": 200, "concurrency": 1}
        kept_plan = plan(connection, state, W3, "nodeport", keepalive=True, **options)
        kept = run(kept_plan)
        fresh_plan = plan(connection, state, W3, "nodeport", **options)
        fresh = run(fresh_plan)
    target = "worker1 127.0.1.2:30080"
    assert kept.by_target == ((target, 200, 0),), kept.errors
    (pinned,) = answered(kept).items()
    assert pinned[0] in pods and pinned[1] == 200
    assert kept.fairness_p is not None and kept.fairness_p < 1e-6, "keep-alive looked fair"
    assert fresh.by_target == ((target, 200, 0),), fresh.errors
    assert set(answered(fresh)) == set(pods), f"new connections reached {answered(fresh)}"
    # The picture explains itself: pinning is what keep-alive does, not a broken Service.
    assert "kube-proxy spreads connections, not requests" in kept_plan.note(kept)
    assert fresh_plan.note(fresh) == ()


def test_never_more_requests_than_asked_counted_by_the_server() -> None:
    with http_server(lambda n: f"server-{n % 2}") as server:
        probe = Probe(
            [Target("local", server.url)],
            ProbeOptions(count=50, concurrency=64),
            resolve=lambda name: (None, None),
        )
        tally = Tally()
        asyncio.run(probe.run(lambda reply: tally.add(reply.outcome)))
        arrived = server.requests
    summary = tally.summary()
    assert probe.sent == 50
    assert (summary.sent, summary.answered, summary.failed) == (50, 50, 0), summary.errors
    assert arrived == 50, f"the server saw {arrived} requests for a count of 50"
    assert summary.unknown == (("server-0", 25), ("server-1", 25))


def test_a_proxy_run_closes_every_connection_it_opened(
    shared: tuple[DemoCluster, Kubectl],
) -> None:
    cluster, _ = shared

    def leaks_of_one_run(connection: Connection, state: ClusterState) -> list[str]:
        planned = plan(connection, state, W2, "proxy", count=4, concurrency=4)
        with collected() as caught:
            asyncio.run(planned.probe.run(lambda reply: planned.tally.add(reply.outcome)))
        assert planned.tally.summary().answered == 4, planned.tally.summary().errors
        return [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]

    with live(cluster, W2, 2) as (connection, state):
        # A run leaks with p ~ 0.3-0.5: 40 clean runs in a row would be p < 1e-6.
        leaks = [leak for _ in range(40) for leak in leaks_of_one_run(connection, state)]
    assert leaks == []
