"""peer_identity(): the server's certificate tells a restarted cluster from the same one."""

from __future__ import annotations

from k9lite.demo.cluster import DemoCluster
from k9lite.kube import load_connection
from k9lite.kube.api import request
from k9lite.kube.stream import peer_identity
from tests.conftest import FAST


def identity(cluster: DemoCluster) -> str | None:
    with load_connection(str(cluster.kubeconfig_path)).client() as client:
        response = request(client, "GET", "/api/v1/namespaces", timeout=5)
        try:
            return peer_identity(response)
        finally:
            response.release_conn()


def test_a_restart_behind_the_same_ca_is_another_server(cluster: DemoCluster) -> None:
    first = identity(cluster)
    assert first is not None
    assert identity(cluster) == first, "the same server changed identity"

    # Same CA and token, fresh state: the watch's versions mean nothing to it.
    with DemoCluster(FAST, credentials=cluster.credentials) as twin:
        assert identity(twin) not in (None, first)
