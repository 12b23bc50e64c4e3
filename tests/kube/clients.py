"""The demo's connection through each of k9lite's two clients, for tests that run on both.

The demo's kubeconfig is of the common kind (a token and a CA in one file), which k9lite reads
itself and talks to with its own client (`api.DirectClient`). Every other kubeconfig (exec
plugins, several files, in-cluster) goes through the official client (`api.OfficialClient`):
built here by the official loaders from the same file, so both paths meet the same server.
"""

from __future__ import annotations

from k9lite.demo.cluster import DemoCluster
from k9lite.kube import Connection, load_connection
from k9lite.kube import official_config as official

CLIENTS = ("direct", "official")


def connection_through(client: str, cluster: DemoCluster, context: str | None = None) -> Connection:
    """The demo's connection (of `context`) as `client` ("direct" or "official") talks to it."""
    path = str(cluster.kubeconfig_path)
    if client == "direct":
        connection = load_connection(path, context)
        assert connection.access is not None, "the demo's kubeconfig is read without the client"
        return connection
    connection = official.from_kubeconfig(official.merge([path]), [path], context)
    assert connection.access is None
    return connection
