"""Clients of the demo cluster for the demo tests: the official client and raw HTTPS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from kubernetes import client, config
from lightkube import Client as LightkubeClient
from lightkube import KubeConfig

from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl
from tests.demo.test_api_errors import connect

REMOTE_COMMAND = {"websocket": {}, "spdy": {"KUBECTL_REMOTE_COMMAND_WEBSOCKETS": "false"}}
"""How kubectl carries exec and attach: a WebSocket (v5, its default since 1.30), or SPDY/3.1
(older kubectl, and later ones whose WebSocket upgrade fails; this variable makes them)."""


def kubectl_over(transport: str, cluster: DemoCluster, tmp_path: Path) -> Kubectl:
    """The real kubectl, speaking exec and attach over `transport`."""
    return Kubectl(cluster.kubeconfig_path, tmp_path / "kube-cache", REMOTE_COMMAND[transport])


@pytest.fixture
def official(cluster: DemoCluster) -> Iterator[client.ApiClient]:
    """The official Python client, configured from the cluster's kubeconfig."""
    api_client = config.new_client_from_config(config_file=str(cluster.kubeconfig_path))
    yield api_client
    api_client.close()


@pytest.fixture
def core(official: client.ApiClient) -> client.CoreV1Api:
    """The official client's core/v1 API."""
    return client.CoreV1Api(official)


@pytest.fixture
def lightkube(cluster: DemoCluster) -> Iterator[LightkubeClient]:
    """lightkube, a second client on its own HTTP stack (httpx2), configured from the kubeconfig;
    its writes are the field manager `lightkube`."""
    client = LightkubeClient(
        KubeConfig.from_file(str(cluster.kubeconfig_path)),
        field_manager="lightkube",
        trust_env=False,
    )
    yield client
    client.close()


@pytest.fixture
def raw(cluster: DemoCluster) -> Iterator[httpx.Client]:
    """httpx over HTTPS, trusting the cluster's CA and sending its token."""
    with connect(cluster) as raw_client:
        yield raw_client
