"""The NodePort forwarder: a connection to a pod is the pod's, one elsewhere is spliced to it.

A client may send its request in the same breath as its connect: the forwarder must deliver
those bytes, whether it hands the connection to a pod's server or dials an endpoint outside
the demo first, as kube-proxy's DNAT would.
"""

from __future__ import annotations

import gc
import os
import re
import socket

from k9lite.demo.cluster import DemoCluster
from tests.analysis.test_doctor_demo import apply, service
from tests.conftest import Kubectl, running_pods, wait_for
from tests.demo.test_dataplane import names_over_new_connections, reach
from tests.traffic.test_probe_demo import http_server

HELLO = re.compile(rb"<p>Hello,  (\S+)</p>")
CONNECTIONS = 40
OUTSIDE_SLICE = """apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {{name: web-1, labels: {{kubernetes.io/service-name: web}}}}
addressType: IPv4
ports: [{{name: "", port: {port}, protocol: TCP}}]
endpoints: [{{addresses: [127.0.0.1], conditions: {{ready: true}}}}]"""


def ask_at_once(address: tuple[str, int], *, end: bool = False) -> bytes:
    """Connect, send a whole request at once (then end the sending side, with `end`), and read
    the answer to the end."""
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n")
        if end:
            sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_request_sent_with_the_connect_is_answered(cluster: DemoCluster) -> None:
    pods = set(running_pods(cluster, "hostname-server-"))
    address = reach(cluster, "127.0.1.2", 30080)
    wait_for(lambda: names_over_new_connections(cluster, *address, 1)[0], message="30080")
    answers = [ask_at_once(address) for _ in range(CONNECTIONS)]
    assert all(a.startswith(b"HTTP/1.1 200 OK\r\n") for a in answers), answers
    names = {m.group(1).decode() for a in answers if (m := HELLO.search(a))}
    assert len([a for a in answers if HELLO.search(a)]) == CONNECTIONS
    assert names <= pods


def test_a_client_that_ends_its_side_after_the_request_is_answered(cluster: DemoCluster) -> None:
    """`printf 'GET / ...' | nc -q1 POD 80` ends its sending side at once: nginx answers it."""
    address = reach(cluster, "127.0.1.2", 30080)
    wait_for(lambda: names_over_new_connections(cluster, *address, 1)[0], message="30080")
    answer = ask_at_once(address, end=True)
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n"), answer
    assert HELLO.search(answer), answer


def test_a_connection_to_a_pod_is_handed_to_it_not_proxied(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    """kube-proxy DNATs a NodePort connection to the pod: the pod's server takes the accepted
    socket itself (no second connection to the pod), and logs the masqueraded address."""
    address = reach(cluster, "127.0.1.2", 30080)
    wait_for(lambda: names_over_new_connections(cluster, *address, 1)[0], message="30080")
    gc.collect()
    baseline = len(os.listdir("/proc/self/fd"))
    kept = [socket.create_connection(address, timeout=5) for _ in range(CONNECTIONS)]
    try:
        for sock in kept:
            sock.sendall(b"GET /handed HTTP/1.1\r\nHost: demo\r\n\r\n")
            assert HELLO.search(sock.recv(65536))
        # This process holds both ends: the client's socket and the one the data plane accepted.
        opened = len(os.listdir("/proc/self/fd")) - baseline
        assert opened < CONNECTIONS * 2 + CONNECTIONS // 2, f"{opened} sockets opened"
    finally:
        for sock in kept:
            sock.close()
    logged = kubectl("logs", "-l", "app=hostname-server", "--tail", "-1").splitlines()
    handed = [line for line in logged if '"GET /handed HTTP/1.1" 200' in line]
    assert len(handed) == CONNECTIONS
    assert all(line.startswith("127.0.0.1 - - [") for line in handed), handed


def test_an_endpoint_outside_the_demo_is_reached_through_a_socket(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    """A hand-made EndpointSlice to a server of the test's own on 127.0.0.1 (no pod): the
    NodePort's connections are spliced to a socket dialled to it, what came with the connect too."""
    with http_server(lambda n: "<p>Hello,  outside</p>") as server:
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        apply(
            kubectl,
            "outside",
            service("web", "{port: 80, nodePort: 30091}", selector="", more="type: NodePort"),
            OUTSIDE_SLICE.format(port=port),
        )
        address = reach(cluster, "127.0.1.2", 30091)
        wait_for(lambda: names_over_new_connections(cluster, *address, 1)[0], message="30091")
        answers = [ask_at_once(address) for _ in range(5)]
        arrived = server.requests
    assert [m.group(1) for a in answers if (m := HELLO.search(a))] == [b"outside"] * 5
    assert arrived == 6


def test_a_spliced_connection_is_closed_when_the_cluster_stops(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    """A node going away takes its connections with it: both ends of a spliced connection see
    it end, instead of its sockets being left open for the collector to find (a leak)."""
    with socket.create_server(("127.0.0.1", 0)) as outside:
        outside.settimeout(5)
        apply(
            kubectl,
            "outside",
            service("web", "{port: 80, nodePort: 30091}", selector="", more="type: NodePort"),
            OUTSIDE_SLICE.format(port=outside.getsockname()[1]),
        )
        address = reach(cluster, "127.0.1.2", 30091)

        def connected() -> socket.socket | None:
            try:
                return socket.create_connection(address, timeout=5)
            except ConnectionRefusedError:
                return None  # the data plane has not opened the NodePort yet

        with wait_for(connected, message="NodePort 30091 open") as client:
            dialled, _ = outside.accept()  # the forwarder dialled the endpoint: spliced
            with dialled:
                dialled.settimeout(5)
                cluster.stop()
                assert client.recv(1) == b"", "the client's side was left open"
                assert dialled.recv(1) == b"", "the endpoint's side was left open"
