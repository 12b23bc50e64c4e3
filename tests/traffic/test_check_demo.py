"""The doctor's active check on the live demo, through `k9lite diagnose -o json` as a script
reads it: a large Service is sampled over its nodes, an endpoint that accepts and never answers
times out, a port named http served by TLS is named as speaking another protocol.

Selector-less Services with a hand-made EndpointSlice (applied with the real kubectl) point at
sockets the test owns on loopback: a listener that never answers is a real socket, not a mock.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from k9lite.cli import main
from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl, wait_for


def diagnose(cluster: DemoCluster, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    main(["diagnose", "--kubeconfig", str(cluster.kubeconfig_path), "-o", "json", *args])
    out, err = capsys.readouterr()
    assert err == "", err
    (entry,) = json.loads(out)
    return entry


def hand_made(kubectl: Kubectl, name: str, address: str, port: int, port_name: str) -> None:
    """A selector-less Service and its EndpointSlice, kept by hand, pointing at address:port."""
    kubectl(
        "apply",
        "-f",
        "-",
        stdin=f"""
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec: {{ports: [{{name: {port_name}, port: 80, targetPort: {port}}}]}}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: {name}-1
  labels: {{kubernetes.io/service-name: {name}}}
addressType: IPv4
ports: [{{name: {port_name}, port: {port}, protocol: TCP}}]
endpoints: [{{addresses: ["{address}"], conditions: {{ready: true}}}}]
""",
    )


@pytest.fixture
def silent() -> Iterator[tuple[str, int]]:
    """A loopback socket that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()


def test_an_endpoint_that_never_answers_times_out_with_the_timeout_named(
    cluster: DemoCluster,
    kubectl: Kubectl,
    silent: tuple[str, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    address, port = silent
    hand_made(kubectl, "silent", address, port, "web")
    entry = diagnose(cluster, capsys, "silent", "--via", "direct", "--timeout", "0.5")
    errors = [f for f in entry["findings"] if f["severity"] == "error"]
    assert [f["check"] for f in errors] == ["endpoint-unreachable"], entry["findings"]
    assert errors[0]["title"] == (
        f"port 80 (web) -> targetPort {port}: no pod answers on {port}: the only ready endpoint "
        "does not answer (no answer within 0.5 s)"
    )
    assert f"{address}:{port}: timed out" in errors[0]["evidence"], errors[0]
    (tried,) = entry["check"]["ports"][0]["tried"]
    assert tried["outcome"]["error"] == "timeout"


def test_a_port_named_http_served_by_tls_is_named_as_another_protocol(
    cluster: DemoCluster, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's API server speaks only TLS: plain HTTP to it is cut off."""
    server = urlsplit(
        kubectl("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")
    )
    assert server.hostname is not None and server.port is not None
    hand_made(kubectl, "tls-behind-http", server.hostname, server.port, "http")
    entry = diagnose(cluster, capsys, "tls-behind-http", "--via", "direct")
    (error,) = [f for f in entry["findings"] if f["severity"] == "error"]
    assert error["check"] == "endpoint-unreachable", error
    assert error["evidence"][0].startswith("the port's name http says HTTP, but what answers")


def test_a_large_service_is_sampled_over_its_nodes_and_says_so(
    cluster: DemoCluster, kubectl: Kubectl, capsys: pytest.CaptureFixture[str]
) -> None:
    kubectl(
        "create", "deployment", "many", "--image=takytaky/hostname", "--replicas=14", "--port=80"
    )
    kubectl("expose", "deployment", "many", "--port=80")

    def all_ready() -> bool:
        ready = kubectl(
            "get",
            "endpointslices",
            "-l",
            "kubernetes.io/service-name=many",
            "-o",
            "jsonpath={.items[*].endpoints[*].conditions.ready}",
        )
        return ready.split().count("true") == 14

    wait_for(all_ready, timeout=20, message="14 ready endpoints of many")
    entry = diagnose(cluster, capsys, "many", "--via", "direct")
    (port,) = entry["check"]["ports"]
    assert port["total"] == 14 and len(port["tried"]) == 10, port
    nodes = {tried["endpoint"]["node"] for tried in port["tried"]}
    where = "jsonpath={.items[*].spec.nodeName}"
    all_nodes = set(kubectl("get", "pods", "-l", "app=many", "-o", where).split())
    assert len(all_nodes) > 1, all_nodes
    assert nodes == all_nodes, (nodes, all_nodes)
    (finding,) = entry["findings"]
    assert finding["check"] == "endpoints-answer", entry["findings"]
    assert finding["title"] == "port 80 -> targetPort 80: each of the 10 pods answered on 80"
    assert finding["evidence"][0] == (
        "checked a sample: 10 of 14 ready endpoints, spread over nodes"
    )
