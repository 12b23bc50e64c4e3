"""The watcher against the demo cluster: lists, events, 403, restarts and 410 Gone."""

from __future__ import annotations

import base64
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import kubernetes.client
import orjson
import pytest
import trustme
import yaml

from k9lite.demo.cluster import ClusterRuntime, DemoCluster
from k9lite.demo.registry import resource
from k9lite.kube import ClusterWatcher, Connection, KindStatus, load_connection, scale
from k9lite.kube.api import DEFAULT_KINDS
from tests.conftest import Kubectl, running_pods, wait_for
from tests.kube.clients import CLIENTS, connection_through

REFERENCE_LISTS = {
    "namespaces": ("CoreV1Api", "list_namespace"),
    "nodes": ("CoreV1Api", "list_node"),
    "pods": ("CoreV1Api", "list_pod_for_all_namespaces"),
    "services": ("CoreV1Api", "list_service_for_all_namespaces"),
    "endpointslices": ("DiscoveryV1Api", "list_endpoint_slice_for_all_namespaces"),
    "deployments": ("AppsV1Api", "list_deployment_for_all_namespaces"),
    "replicasets": ("AppsV1Api", "list_replica_set_for_all_namespaces"),
    "ingresses": ("NetworkingV1Api", "list_ingress_for_all_namespaces"),
}


class RecordingSink:
    """A real sink keeping objects by uid, as ClusterState does, and every call it got."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.objects: dict[str, dict[str, dict[str, Any]]] = {}
        self.replaced: Counter[str] = Counter()
        self.order: list[str] = []  # the kinds, in the order their lists arrived
        self.events: list[tuple[str, str, str]] = []
        self.statuses: defaultdict[str, list[KindStatus]] = defaultdict(list)

    def replace(self, kind: str, raws: list[dict[str, Any]]) -> None:
        with self.lock:
            self.objects[kind] = {raw["metadata"]["uid"]: raw for raw in raws}
            self.replaced[kind] += 1
            self.order.append(kind)

    def apply(self, kind: str, event_type: str, raw: dict[str, Any]) -> None:
        with self.lock:
            known = self.objects.setdefault(kind, {})
            if event_type == "DELETED":
                known.pop(raw["metadata"]["uid"], None)
            else:
                known[raw["metadata"]["uid"]] = raw
            self.events.append((kind, event_type, raw["metadata"]["name"]))

    def status(self, kind: str, status: KindStatus) -> None:
        with self.lock:
            self.statuses[kind].append(status)

    # -- reading ----------------------------------------------------------------------------------

    def state(self, kind: str) -> str | None:
        with self.lock:
            history = self.statuses.get(kind)
            return history[-1].state if history else None

    def all_live(self, kinds: tuple[str, ...] = DEFAULT_KINDS) -> bool:
        return all(self.state(kind) == "live" for kind in kinds)

    def names(self, kind: str, prefix: str = "") -> list[str]:
        with self.lock:
            return sorted(
                o["metadata"]["name"]
                for o in self.objects.get(kind, {}).values()
                if o["metadata"]["name"].startswith(prefix)
            )

    def versions(self, kind: str) -> dict[str, str]:
        with self.lock:
            return {
                uid: o["metadata"]["resourceVersion"]
                for uid, o in self.objects.get(kind, {}).items()
            }


def fresh_versions(connection: Connection, kind: str) -> dict[str, str]:
    """uid -> resourceVersion of a fresh list, straight from the server."""
    client = connection.api_client()
    try:
        # The client's own generated API, not k9lite's request path: an independent reference.
        api, method = REFERENCE_LISTS[kind]
        response = getattr(getattr(kubernetes.client, api)(client), method)(_preload_content=False)
        try:
            items = orjson.loads(response.data)["items"]
        finally:
            response.release_conn()
    finally:
        client.close()
    return {o["metadata"]["uid"]: o["metadata"]["resourceVersion"] for o in items}


def matches_server(sink: RecordingSink, connection: Connection, kinds: tuple[str, ...]) -> bool:
    return all(sink.versions(kind) == fresh_versions(connection, kind) for kind in kinds)


@pytest.fixture(params=CLIENTS)
def connection(request: pytest.FixtureRequest, cluster: DemoCluster) -> Connection:
    """Through k9lite's own client, and through the official one."""
    return connection_through(request.param, cluster)


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def start_watcher(connection: Connection, sink: RecordingSink) -> Iterator[Any]:
    """Start a watcher (options as keywords); every one started is stopped and joined."""
    started: list[ClusterWatcher] = []

    def start(**options: Any) -> ClusterWatcher:
        options.setdefault("namespace", None)
        watcher = ClusterWatcher(connection, sink, **options).start()
        started.append(watcher)
        return watcher

    yield start
    for watcher in started:
        assert watcher.stop(timeout=5), "a watch thread outlived stop()"


def test_initial_lists_arrive_for_every_kind(
    start_watcher: Any, sink: RecordingSink, connection: Connection
) -> None:
    start_watcher()
    wait_for(sink.all_live, message="every kind live")

    assert set(sink.replaced) == set(DEFAULT_KINDS)
    for kind in DEFAULT_KINDS:
        assert sink.statuses[kind][0] == KindStatus("loading")
    assert sink.names("nodes") == ["master", "worker1", "worker2"]
    assert {"default", "kube-system"} <= set(sink.names("namespaces"))
    assert len(sink.names("pods")) == 7
    assert "kubernetes" in sink.names("services")
    assert "kubernetes" in sink.names("endpointslices")
    assert "hostname-server" in sink.names("deployments")
    assert sink.names("replicasets", "hostname-server-")
    assert matches_server(sink, connection, DEFAULT_KINDS)


def test_first_kinds_are_listed_before_the_others(start_watcher: Any, sink: RecordingSink) -> None:
    start_watcher(first=("pods",))
    wait_for(sink.all_live, message="every kind live")
    assert sink.order[0] == "pods"
    assert sorted(sink.order) == sorted(DEFAULT_KINDS)


def test_small_pages_still_list_everything(
    start_watcher: Any, sink: RecordingSink, connection: Connection
) -> None:
    start_watcher(kinds=("pods",), page_size=2)
    wait_for(lambda: sink.all_live(("pods",)), message="pods live")
    assert matches_server(sink, connection, ("pods",))
    assert len(sink.names("pods")) == 7


def test_namespace_limits_namespaced_kinds_only(start_watcher: Any, sink: RecordingSink) -> None:
    start_watcher(namespace="kube-system", kinds=("pods", "services", "nodes"))
    wait_for(lambda: sink.all_live(("pods", "services", "nodes")), message="live")
    assert sink.names("pods") == []
    assert sink.names("services") == []
    assert len(sink.names("nodes")) == 3


def test_kubectl_scale_arrives_as_events(
    start_watcher: Any, sink: RecordingSink, kubectl: Kubectl, connection: Connection
) -> None:
    start_watcher(kinds=("pods", "deployments", "replicasets"))
    wait_for(lambda: sink.all_live(("pods", "deployments", "replicasets")), message="live")
    listed = set(sink.names("pods", "pod-"))

    kubectl("scale", "deployment/pod", "--replicas=3")

    def scaled() -> bool:
        with sink.lock:
            deployment = next(
                o for o in sink.objects["deployments"].values() if o["metadata"]["name"] == "pod"
            )
        return deployment["spec"]["replicas"] == 3 and len(sink.names("pods", "pod-")) == 3

    wait_for(scaled, message="the deployment and its 3 pods in the sink")
    added = {name for kind, event, name in sink.events if kind == "pods" and event == "ADDED"}
    assert set(sink.names("pods", "pod-")) - listed <= added
    assert ("deployments", "MODIFIED", "pod") in sink.events
    wait_for(
        lambda: matches_server(sink, connection, ("pods", "deployments", "replicasets")),
        message="the sink to match a fresh list",
    )


def test_forbidden_kind_leaves_the_others_live(
    cluster: DemoCluster, start_watcher: Any, sink: RecordingSink
) -> None:
    cluster.forbid("nodes")
    start_watcher(kinds=("nodes", "pods"), forbidden_retry=0.2)

    wait_for(lambda: sink.state("nodes") == "forbidden", message="nodes forbidden")
    wait_for(lambda: sink.state("pods") == "live", message="pods live")
    message = sink.statuses["nodes"][-1].message
    assert 'cannot list resource "nodes"' in message
    assert len(sink.names("pods")) == 7
    assert "nodes" not in sink.objects

    # Once allowed, the slow retry picks nodes up.
    cluster.forbid("nodes", False)
    wait_for(lambda: sink.state("nodes") == "live", message="nodes live again")
    assert len(sink.names("nodes")) == 3


def test_api_server_restart_reconnects_without_duplicates_or_stale_objects(
    cluster: DemoCluster, start_watcher: Any, sink: RecordingSink, connection: Connection
) -> None:
    kinds = ("pods", "deployments", "replicasets", "endpointslices")
    start_watcher(kinds=kinds)
    wait_for(lambda: sink.all_live(kinds), message="live")
    before = {kind: len(sink.statuses[kind]) for kind in kinds}

    cluster.restart_api_server()

    wait_for(
        lambda: all(
            "reconnecting" in [s.state for s in sink.statuses[kind][before[kind] :]]
            for kind in kinds
        ),
        message="every kind reconnecting",
    )
    wait_for(lambda: sink.all_live(kinds), message="live again")
    reconnecting = next(s for s in sink.statuses["pods"] if s.state == "reconnecting")
    assert reconnecting.message.startswith(f"cannot reach {cluster.url}")

    assert scale(connection, "default", "hostname-server", 3) == 3
    wait_for(lambda: len(running_pods(cluster, "hostname-server-")) == 3, message="3 pods")
    wait_for(
        lambda: matches_server(sink, connection, kinds),
        message="the sink to match a fresh list",
    )
    assert len(sink.names("pods", "hostname-server-")) == 3


def _delete_pod_behind_the_watchers_back(rt: ClusterRuntime) -> str:
    pod = next(
        p for p in rt.store.iter(resource("Pod"), "default") if p["metadata"]["name"][:4] == "pod-"
    )
    rt.registry.delete(resource("Pod"), "default", pod["metadata"]["name"])
    return str(pod["metadata"]["name"])


def test_expired_history_relists_every_object(
    cluster: DemoCluster, start_watcher: Any, sink: RecordingSink, connection: Connection
) -> None:
    kinds = ("pods", "replicasets")
    start_watcher(kinds=kinds)
    wait_for(lambda: sink.all_live(kinds), message="live")
    assert sink.replaced["pods"] == 1

    # Slow answers hold the resumed watches back while a pod goes and history is forgotten:
    # the watches then resume from a version the server no longer has (410 Gone).
    cluster.set_latency(0.5)
    cluster.drop_watches()
    gone = cluster.call(_delete_pod_behind_the_watchers_back)
    cluster.expire_watch_history()
    cluster.set_latency(0)

    wait_for(lambda: sink.replaced["pods"] >= 2, message="a relist of pods")
    wait_for(
        lambda: matches_server(sink, connection, kinds),
        message="the sink to match a fresh list",
    )
    assert gone not in sink.names("pods")
    assert sink.all_live(kinds)
    assert all(s.state != "error" for kind in kinds for s in sink.statuses[kind])


def test_dropped_watches_resume_without_relisting(
    cluster: DemoCluster, start_watcher: Any, sink: RecordingSink, connection: Connection
) -> None:
    start_watcher(kinds=("pods",))
    wait_for(lambda: sink.all_live(("pods",)), message="live")

    cluster.drop_watches()
    scale(connection, "default", "pod", 2)

    wait_for(lambda: len(sink.names("pods", "pod-")) == 2, message="the new pod")
    assert sink.replaced["pods"] == 1
    wait_for(lambda: matches_server(sink, connection, ("pods",)), message="a match")


def test_stop_returns_promptly_with_streams_open(connection: Connection) -> None:
    sink = RecordingSink()
    watcher = ClusterWatcher(connection, sink, namespace=None).start()
    wait_for(sink.all_live, message="every kind live")
    assert watcher.stop(timeout=2)
    with pytest.raises(RuntimeError):
        watcher.start()


def test_unknown_kind_is_refused(connection: Connection, sink: RecordingSink) -> None:
    with pytest.raises(ValueError, match="cannot watch 'secrets'"):
        ClusterWatcher(connection, sink, namespace=None, kinds=("pods", "secrets"))


@pytest.mark.parametrize(
    ("change", "reason", "words"),
    [
        ("ca", "tls", "certificate verify failed"),
        ("token", "unauthorized", "401 Unauthorized"),
    ],
)
def test_first_contact_failures_name_their_reason(
    cluster: DemoCluster, tmp_path: Any, sink: RecordingSink, change: str, reason: str, words: str
) -> None:
    document = yaml.safe_load(cluster.kubeconfig_path.read_text())
    if change == "ca":
        stranger = trustme.CA().cert_pem.bytes()
        document["clusters"][0]["cluster"]["certificate-authority-data"] = base64.b64encode(
            stranger
        ).decode()
    else:
        document["users"][0]["user"]["token"] = "wrong"
    path = tmp_path / "config"
    path.write_text(yaml.safe_dump(document))
    watcher = ClusterWatcher(
        load_connection(str(path)), sink, namespace=None, kinds=("pods",), backoff=(0.05, 0.2)
    ).start()
    try:
        wait_for(lambda: sink.state("pods") == "reconnecting", message="pods reconnecting")
    finally:
        assert watcher.stop(timeout=5)
    status = sink.statuses["pods"][-1]
    assert status.reason == reason
    assert words in status.message
    # A server never reached before is not called restarted: the kubeconfig may just be wrong.
    assert "restarted" not in status.message
    assert status.hint


def test_stopping_while_lists_are_in_flight_logs_no_failure(
    cluster: DemoCluster, caplog: pytest.LogCaptureFixture
) -> None:
    """stop() cuts the answers being read: the threads end quietly, nothing is reported."""
    from k9lite.kube.feed import StateFeed

    caplog.set_level("ERROR")
    feed = StateFeed()
    watcher = ClusterWatcher(load_connection(str(cluster.kubeconfig_path)), feed, namespace=None)
    watcher.start()
    assert watcher.stop(timeout=10)
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    assert not any(s.state == "error" for s in feed.statuses().values()), feed.statuses()


def test_a_kind_watched_as_tables_feeds_rows_with_kubectls_columns(cluster: DemoCluster) -> None:
    """What `kubectl get rs` asks for (server-side Tables with the objects' metadata), listed
    then watched: the rows' cells are the server's, keyed by the object's metadata."""
    from k9lite.kube.feed import StateFeed
    from k9lite.model.kinds import RESOURCES

    feed = StateFeed()
    feed.state.add_table_kind("replicasets.apps")
    connection = load_connection(str(cluster.kubeconfig_path))
    with ClusterWatcher(connection, feed, namespace="default", kinds=()) as watcher:
        watcher.watch_table("replicasets.apps", RESOURCES["replicasets"])
        wait_for(
            lambda: (
                feed.state.loaded("replicasets.apps")
                and len(feed.state.objects("replicasets.apps", "default")) == 3
            ),
            timeout=10,
            message="the ReplicaSets as Table rows",
        )
        assert [c.name for c in feed.state.columns("replicasets.apps") if c.priority == 0] == [
            "Name", "Desired", "Current", "Ready", "Age"
        ]  # fmt: skip
        scale(connection, "default", "hostname-server", 3)
        wait_for(
            lambda: any(
                row.meta.name.startswith("hostname-server") and row.cells[1] == "3"
                for row in feed.state.objects("replicasets.apps", "default")
            ),
            timeout=10,
            message="DESIRED 3 through the Table watch",
        )
