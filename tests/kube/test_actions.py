"""scale, delete and get_raw against the demo cluster, and how their failures are typed."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from k9lite.demo.cluster import DemoCluster
from k9lite.kube import (
    ActionFailed,
    ClusterUnreachable,
    Connection,
    Forbidden,
    NotFound,
    delete,
    get_raw,
    load_connection,
    scale,
)
from k9lite.kube.api import Client
from tests.conftest import Kubectl, running_pods, wait_for
from tests.kube.clients import CLIENTS, connection_through


@pytest.fixture(params=CLIENTS)
def connection(request: pytest.FixtureRequest, cluster: DemoCluster) -> Connection:
    """Through k9lite's own client, and through the official one."""
    return connection_through(request.param, cluster)


@pytest.fixture
def client(connection: Connection) -> Iterator[Client]:
    with connection.client() as client:
        yield client


def test_scale_to_three_runs_three_pods(
    cluster: DemoCluster, connection: Connection, kubectl: Kubectl
) -> None:
    assert scale(connection, "default", "hostname-server", 3) == 3
    wait_for(lambda: len(running_pods(cluster, "hostname-server-")) == 3, message="3 pods")
    assert kubectl("get", "deploy", "hostname-server", "-o", "jsonpath={.spec.replicas}") == "3"


def test_scale_with_an_open_client_and_down_to_zero(cluster: DemoCluster, client: Client) -> None:
    assert scale(client, "default", "hostname-server", 0) == 0
    wait_for(lambda: not running_pods(cluster, "hostname-server-"), message="no pods")
    # The caller's client stays open for more.
    assert get_raw(client, "deployments", "default", "hostname-server")["spec"]["replicas"] == 0


def test_delete_a_pod_and_it_is_gone(cluster: DemoCluster, connection: Connection) -> None:
    before = running_pods(cluster, "pod-")
    victim = before[0]

    delete(connection, "pods", "default", victim)

    def gone() -> bool:
        try:
            get_raw(connection, "pods", "default", victim)
        except NotFound:
            return True
        return False

    wait_for(gone, message=f"{victim} to be gone")
    # Its ReplicaSet replaces it.
    wait_for(lambda: len(running_pods(cluster, "pod-")) == len(before), message="a replacement pod")
    assert victim not in running_pods(cluster, "pod-")


def test_get_raw_returns_the_servers_json(connection: Connection) -> None:
    service = get_raw(connection, "services", "default", "nodeport-hostname-service")
    assert service["kind"] == "Service"
    assert service["spec"]["ports"][0]["nodePort"] == 30080
    node = get_raw(connection, "nodes", None, "worker1")
    assert node["metadata"]["name"] == "worker1"


def test_forbidden_is_typed_with_the_servers_message(
    cluster: DemoCluster, connection: Connection
) -> None:
    cluster.forbid("deployments")
    with pytest.raises(Forbidden) as error:
        scale(connection, "default", "hostname-server", 3)
    assert (error.value.kind, error.value.namespace) == ("deployments", "default")
    # forbiddenMessage names the subresource: kubectl scale patches deployments/scale.
    assert 'cannot patch resource "deployments/scale"' in error.value.message
    assert str(error.value) == error.value.message

    cluster.forbid("pods")
    with pytest.raises(Forbidden, match='cannot delete resource "pods"'):
        delete(connection, "pods", "default", running_pods(cluster, "pod-")[0])


def test_missing_objects_are_not_found(connection: Connection) -> None:
    with pytest.raises(NotFound) as error:
        scale(connection, "default", "no-such-deployment", 2)
    assert str(error.value) == 'deployments "no-such-deployment" not found in namespace "default"'
    with pytest.raises(NotFound):
        delete(connection, "services", "default", "no-such-service")


def test_refusals_are_action_failed(connection: Connection) -> None:
    with pytest.raises(ActionFailed, match="unknown kind 'secrets'"):
        get_raw(connection, "secrets", "default", "x")
    with pytest.raises(ActionFailed, match="-1 replicas"):
        scale(connection, "default", "hostname-server", -1)


def test_unreachable_server_is_typed(cluster: DemoCluster, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    document = yaml.safe_load(cluster.kubeconfig_path.read_text())
    document["clusters"][0]["cluster"]["server"] = f"https://127.0.0.1:{port}"
    (tmp_path / "config").write_text(yaml.safe_dump(document))
    elsewhere = load_connection(str(tmp_path / "config"))
    with pytest.raises(ClusterUnreachable) as error:
        get_raw(elsewhere, "pods", "default", "x")
    assert str(error.value) == f"cannot reach https://127.0.0.1:{port}: connection refused"
