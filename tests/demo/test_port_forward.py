"""pods/portforward in the demo cluster, driven by the real kubectl and the official client.

kubectl 1.37 tunnels SPDY/3.1 in a WebSocket (`SPDY/3.1+portforward.k8s.io`) and falls back to
a direct `Upgrade: SPDY/3.1` POST when the WebSocket is refused or turned off
(KUBECTL_PORT_FORWARD_WEBSOCKETS=false); the Python client speaks `v4.channel.k8s.io`.
"""

from __future__ import annotations

import os
import re
import selectors
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import httpx
import pytest
from kubernetes import client
from kubernetes.stream import portforward
from kubernetes.stream.ws_client import PortForward

from k9lite.demo.cluster import DemoCluster
from k9lite.demo.rbac.users import DemoUser
from tests.conftest import FAST, Kubectl, default_scenario, kubectl_binary, running_pods, wait_for

HELLO = re.compile(r"<p>Hello,  (\S+)</p>")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def read_line(stream: object, timeout: float) -> str:
    """One line of a child's pipe, or "" if none comes within `timeout` (or it closes)."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)  # type: ignore[arg-type]
        if not selector.select(timeout):
            return ""
    return stream.readline()  # type: ignore[attr-defined,no-any-return]


@contextmanager
def port_forward(
    kubectl: Kubectl, target: str, remote: int, *, pod_port: int = 0, websockets: bool = True
) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """`kubectl port-forward TARGET LOCAL:REMOTE` running, once it says it forwards to the
    pod's port (`pod_port`, when a Service's port maps to another)."""
    local = free_port()
    env = dict(os.environ, KUBECTL_PORT_FORWARD_WEBSOCKETS=str(websockets).lower())
    process = subprocess.Popen(
        [
            kubectl_binary(),
            "--kubeconfig",
            str(kubectl.kubeconfig),
            "--cache-dir",
            str(kubectl.cache_dir),
            "port-forward",
            "--address=127.0.0.1",
            target,
            f"{local}:{remote}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = read_line(process.stdout, 15.0)
        expected = f"Forwarding from 127.0.0.1:{local} -> {pod_port or remote}\n"
        assert line == expected, (line, process.poll())
        yield local, process
    finally:
        process.kill()
        process.communicate(timeout=5)


def hello(port: int) -> str:
    """The pod name on the Hello page at 127.0.0.1:PORT, over a fresh connection."""
    response = httpx.get(f"http://127.0.0.1:{port}/", timeout=10.0)
    assert response.status_code == 200
    found = HELLO.search(response.text)
    assert found, response.text
    return found.group(1)


def test_port_forward_to_a_pod_two_connections(cluster: DemoCluster, kubectl: Kubectl) -> None:
    pod = running_pods(cluster, "hostname-server-")[0]
    with port_forward(kubectl, f"pod/{pod}", 80) as (local, _):
        assert hello(local) == pod
        assert hello(local) == pod


def test_port_forward_to_a_deployment_and_a_service(cluster: DemoCluster, kubectl: Kubectl) -> None:
    pods = running_pods(cluster, "hostname-server-")
    with port_forward(kubectl, "deploy/hostname-server", 80) as (local, _):
        assert hello(local) in pods
    # The Service's port 8080 is its targetPort 80 on one of its pods, resolved by kubectl.
    service = "svc/clusterip-hostname-service"
    with port_forward(kubectl, service, 8080, pod_port=80) as (local, _):
        first = hello(local)
        assert first in pods
        assert hello(local) == first


def test_port_forward_over_a_direct_spdy_upgrade(cluster: DemoCluster, kubectl: Kubectl) -> None:
    pod = running_pods(cluster, "hostname-server-")[1]
    with port_forward(kubectl, f"pod/{pod}", 80, websockets=False) as (local, _):
        assert hello(local) == pod
        assert hello(local) == pod


def test_a_closed_pod_port_comes_back_on_the_error_stream(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    pod = running_pods(cluster, "hostname-server-")[0]
    with port_forward(kubectl, f"pod/{pod}", 81) as (local, process):
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{local}/", timeout=10.0)
        # kubectl 1.37 reports the error stream's text and stops forwarding.
        process.wait(timeout=10)
        assert process.stderr is not None
        error = process.stderr.read()
    assert f"error forwarding port 81 to pod {pod}, uid " in error
    assert "connection refused" in error


def test_missing_unscheduled_and_plain_requests_are_refused(
    cluster: DemoCluster, raw: httpx.Client
) -> None:
    pods = "/api/v1/namespaces/default/pods"
    missing = raw.post(f"{pods}/nope/portforward")
    assert missing.status_code == 404
    assert missing.json()["message"] == 'pods "nope" not found'
    # No node matches its selector: the pod stays Pending without a host, as the scheduler
    # leaves it, and the apiserver finds no kubelet to send the request to.
    stuck = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "stuck"},
        "spec": {
            "nodeSelector": {"disktype": "none"},
            "containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]}],
        },
    }
    assert raw.post(pods, json=stuck).status_code == 201
    unscheduled = raw.post(f"{pods}/stuck/portforward")
    assert unscheduled.status_code == 400
    assert unscheduled.json()["message"] == "pod stuck does not have a host assigned"
    pod = running_pods(cluster, "hostname-server-")[0]
    plain = raw.post(f"{pods}/{pod}/portforward")
    assert plain.status_code == 400


@contextmanager
def python_port_forward(
    cluster: DemoCluster, official: client.ApiClient, pod: str, port: int
) -> Iterator[PortForward]:
    """The official client's port-forward to `pod`:`port`, closed and joined at the end."""
    api = client.CoreV1Api(official)
    forward = portforward(
        api.connect_get_namespaced_pod_portforward, pod, "default", ports=str(port)
    )
    try:
        yield forward
    finally:
        forward.close()
    # The server closes the WebSocket once the pod's connection has ended; the client's proxy
    # thread then closes its side and ends.
    for thread in threading.enumerate():
        if thread.name == f"Kubernetes port forward proxy: {port}":
            thread.join(timeout=10.0)
            assert not thread.is_alive()
    assert not forward.connected
    # websocket-client answers the server's close frame but keeps the socket (its close()
    # does nothing once the close was answered): release it.
    forward.websocket.shutdown()


def test_python_client_port_forward(cluster: DemoCluster, official: client.ApiClient) -> None:
    pod = running_pods(cluster, "hostname-server-")[0]
    with python_port_forward(cluster, official, pod, 80) as forward:
        sock = forward.socket(80)
        sock.setblocking(True)
        sock.settimeout(10.0)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n")
        received = b""
        deadline = time.monotonic() + 10.0
        while b"</html>" not in received and time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        assert received.startswith(b"HTTP/1.1 200 OK")
        found = HELLO.search(received.decode())
        assert found and found.group(1) == pod
        assert forward.error(80) is None


def test_python_client_gets_the_error_channel(
    cluster: DemoCluster, official: client.ApiClient
) -> None:
    pod = running_pods(cluster, "hostname-server-")[0]
    with python_port_forward(cluster, official, pod, 81) as forward:
        error = wait_for(lambda: forward.error(81), message="the error channel's text")
    assert error.startswith(f"error forwarding port 81 to pod {pod}, uid ")
    assert error.endswith("connection refused")


USERS = (DemoUser("carol", "system:basic-user"),)


@pytest.fixture
def carol_cluster() -> Iterator[DemoCluster]:
    with default_scenario(replace(FAST, users=USERS)) as demo:
        yield demo


def test_port_forward_needs_create_even_over_a_websocket_get(
    carol_cluster: DemoCluster, tmp_path: object
) -> None:
    from tests.demo.test_rbac import as_user

    pod = running_pods(carol_cluster, "hostname-server-")[0]
    with as_user(carol_cluster, "demo-admin") as admin:
        role = {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": "pf-get"},
            "rules": [{"apiGroups": [""], "resources": ["pods/portforward"], "verbs": ["get"]}],
        }
        binding = {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "pf-get"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pf-get"},
            "subjects": [{"kind": "User", "name": "carol"}],
        }
        rbac = "/apis/rbac.authorization.k8s.io/v1/namespaces/default"
        assert admin.post(f"{rbac}/roles", json=role).status_code == 201
        assert admin.post(f"{rbac}/rolebindings", json=binding).status_code == 201
    path = f"/api/v1/namespaces/default/pods/{pod}/portforward"
    with as_user(carol_cluster, "carol") as carol:
        upgrade = carol.get(
            path,
            headers={
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Protocol": "SPDY/3.1+portforward.k8s.io",
            },
        )
    assert upgrade.status_code == 403
    assert upgrade.json()["message"] == (
        f'pods "{pod}" is forbidden: User "carol" cannot create resource "pods/portforward" '
        'in API group "" in the namespace "default"'
    )
