"""The demo cluster's data plane over real sockets: curl loops, NodePorts, LB IPs, kube-proxy.

Every address here is a loopback address of the demo's plan (nodes 127.0.1.N, pods 127.244.N.x,
ClusterIPs 127.96.x.x, load balancers 127.0.2.N), so the tutorials' commands work from this shell.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from kubernetes import client, config

from k9lite.demo.cluster import ClusterRuntime, DemoCluster
from tests.conftest import FAST, Kubectl, running_pods, wait_for

HELLO = re.compile(r"<p>Hello,  (\S+)</p>")
# Bounds on the load-spreading loops: 2 pods picked at random per connection are both seen in
# 40 connections but with probability 2 ** -39.
NEW_CONNECTIONS = 40

# -- helpers -----------------------------------------------------------------------------------


@contextmanager
def official_client(cluster: DemoCluster) -> Iterator[client.ApiClient]:
    api_client = config.new_client_from_config(config_file=str(cluster.kubeconfig_path))
    try:
        yield api_client
    finally:
        api_client.close()


@pytest.fixture
def api(cluster: DemoCluster) -> Iterator[client.ApiClient]:
    with official_client(cluster) as api_client:
        yield api_client


def reach(cluster: DemoCluster, host: str, port: int) -> tuple[str, int]:
    """Where host:port listens: itself, unless the data plane had to map it (a taken port)."""

    def lookup(rt: ClusterRuntime) -> tuple[str, int]:
        plane = rt.dataplane
        assert plane is not None
        return plane.port_mappings.get((host, port), (host, port))

    return cluster.call(lookup)


def plain_http(*, keep_alive: bool) -> httpx.Client:
    """A client that ignores proxy variables; without keep-alive every request dials anew."""
    headers = {} if keep_alive else {"Connection": "close"}
    return httpx.Client(trust_env=False, timeout=3.0, headers=headers)


def hello(http: httpx.Client, address: tuple[str, int]) -> str | None:
    """The pod name on the Hello page at address, or None when the connection fails."""
    try:
        response = http.get(f"http://{address[0]}:{address[1]}/")
    except httpx.TransportError:
        return None
    found = HELLO.search(response.text)
    return found.group(1) if found else None


def names_over_new_connections(
    cluster: DemoCluster, host: str, port: int, count: int = NEW_CONNECTIONS
) -> list[str | None]:
    address = reach(cluster, host, port)
    with plain_http(keep_alive=False) as http:
        return [hello(http, address) for _ in range(count)]


def refused(cluster: DemoCluster, host: str, port: int) -> bool:
    """Whether this cluster answers nothing at host:port (no kube-proxy rule, no listener).

    Parallel test runs on this machine start demo clusters of their own on the same addresses:
    a connection accepted there is this cluster's only if its data plane has a rule for it.
    """

    def rules(rt: ClusterRuntime) -> set[tuple[str, int]]:
        assert rt.dataplane is not None
        return {(li.host, li.port) for li in rt.dataplane.listeners()}

    if (host, port) in cluster.call(rules):
        return False
    try:
        with socket.create_connection(reach(cluster, host, port), timeout=2.0):
            return (host, port) not in cluster.call(rules)
    except ConnectionRefusedError:
        return True


def dropped(cluster: DemoCluster, host: str, port: int) -> bool:
    """Whether a connection to host:port times out, as kube-proxy's DROP makes it (pkg/proxy/
    iptables proxier.go: an externalTrafficPolicy Local Service's external chain on a node
    without a local endpoint jumps to KUBE-MARK-DROP), rather than being refused or accepted."""
    try:
        with socket.create_connection(reach(cluster, host, port), timeout=1.0):
            return False
    except TimeoutError:
        return True
    except ConnectionRefusedError:
        return False


def node_ips(api: client.ApiClient) -> dict[str, str]:
    """Each node's InternalIP, read as raw JSON (see test_official_client_decodes_nodes)."""
    raw = client.CoreV1Api(api).list_node(_preload_content=False)
    return {
        node["metadata"]["name"]: next(
            a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP"
        )
        for node in json.loads(raw.data)["items"]
    }


def service_proxy(cluster: DemoCluster, service: str) -> httpx.Response:
    """One GET through the API server's service proxy, as `kubectl get --raw` sends it."""
    tls = ssl.create_default_context(cadata=cluster.ca_pem.decode())
    with httpx.Client(
        verify=tls,
        trust_env=False,
        timeout=5.0,
        headers={"Authorization": f"Bearer {cluster.token}"},
    ) as http:
        return http.get(f"{cluster.url}/api/v1/namespaces/default/services/{service}/proxy/")


def curl_loop(cluster: DemoCluster, host: str, port: int) -> str:
    """The tutorial's loop, run by a shell: ten curls, each on a new connection."""
    address = reach(cluster, host, port)
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    result = subprocess.run(
        [
            "bash",
            "-c",
            f"for i in $(seq 10); do curl -s {address[0]}:{address[1]} | grep Hello; done",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    return result.stdout


# -- W2 / W3 -----------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("curl") is None, reason="the tutorial's loop needs curl")
def test_curl_loop_on_every_node_port_reaches_both_pods(
    cluster: DemoCluster, api: client.ApiClient
) -> None:
    nodes = node_ips(api)
    assert nodes == {"master": "127.0.1.1", "worker1": "127.0.1.2", "worker2": "127.0.1.3"}
    pods = set(running_pods(cluster, "hostname-server-"))
    assert len(pods) == 2
    # The master runs no hostname-server pod, yet 30080 is open on it as on every node.
    for node, ip in nodes.items():
        wait_for(
            lambda ip=ip: names_over_new_connections(cluster, ip, 30080, 1)[0],
            message=f"{node}:30080 to answer",
        )
        seen: set[str] = set()
        for _ in range(6):  # at most 60 new connections per node
            lines = curl_loop(cluster, ip, 30080).splitlines()
            assert len(lines) == 10, f"{node}: {lines}"
            for line in lines:
                found = re.fullmatch(r"<p>Hello,  (hostname-server-\S+)</p>", line.strip())
                assert found, f"{node}: unexpected line {line!r}"
                seen.add(found.group(1))
            if seen == pods:
                break
        assert seen == pods, f"{node} reached {seen}, the Deployment runs {pods}"


def test_cluster_ip_answers_from_the_shell_but_the_node_port_8080_does_not(
    cluster: DemoCluster, api: client.ApiClient
) -> None:
    svc = client.CoreV1Api(api).read_namespaced_service("clusterip-hostname-service", "default")
    cluster_ip = svc.spec.cluster_ip
    assert cluster_ip.startswith("127.96.")
    pods = set(running_pods(cluster, "hostname-server-"))
    names = wait_for(
        lambda: (lambda got: got if set(got) == pods else None)(
            names_over_new_connections(cluster, cluster_ip, 8080)
        ),
        message=f"{cluster_ip}:8080 to answer from both pods",
    )
    assert set(names) == pods
    # W2's last paragraph: the Service port is not opened on the nodes' own addresses.
    for ip in node_ips(api).values():
        assert refused(cluster, ip, 8080), f"{ip}:8080 accepted a connection"


# -- W5 ----------------------------------------------------------------------------------------


def test_load_balancer_ip_answers_on_the_service_port(
    cluster: DemoCluster, api: client.ApiClient, kubectl: Kubectl
) -> None:
    svc = client.CoreV1Api(api).read_namespaced_service("svc-3", "default")
    external_ip = svc.status.load_balancer.ingress[0].ip
    assert external_ip.startswith("127.0.2.")
    assert re.search(
        rf"svc-3\s+LoadBalancer\s+127\.96\.\S+\s+{re.escape(external_ip)}\s+9000:\d+/TCP",
        kubectl("get", "svc", "svc-3"),
    )
    pods = set(running_pods(cluster, "pod-"))
    name = wait_for(
        lambda: names_over_new_connections(cluster, external_ip, 9000, 1)[0],
        message=f"{external_ip}:9000 to answer",
    )
    assert name in pods
    assert set(names_over_new_connections(cluster, external_ip, 9000)) == pods


def test_without_load_balancer_controller_external_ip_stays_pending(tmp_path: Path) -> None:
    with DemoCluster(dataclasses.replace(FAST, load_balancer=False)) as demo:
        kubectl = Kubectl(demo.kubeconfig_path, tmp_path / "kube-cache")
        pods = wait_for(
            lambda: (lambda now: now if len(now) == 2 else None)(running_pods(demo, "pod-")),
            message="the 2 pods of svc-3",
        )
        with official_client(demo) as api:
            svc = client.CoreV1Api(api).read_namespaced_service("svc-3", "default")
            assert not (svc.status.load_balancer and svc.status.load_balancer.ingress)
            node_port = svc.spec.ports[0].node_port
        assert re.search(
            r"svc-3\s+LoadBalancer\s+127\.96\.\S+\s+<pending>\s+9000:\d+/TCP",
            kubectl("get", "svc", "svc-3"),
        )
        # The Service itself works (its NodePort answers); only the external IP is missing.
        name = wait_for(
            lambda: names_over_new_connections(demo, "127.0.1.1", node_port, 1)[0],
            message=f"svc-3's NodePort {node_port}",
        )
        assert name in pods
        assert refused(demo, "127.0.2.1", 9000)


# -- W4 ----------------------------------------------------------------------------------------


def test_external_traffic_policy_local_only_the_pods_node_answers(tmp_path: Path) -> None:
    with DemoCluster(dataclasses.replace(FAST, scenarios=("w4",))) as demo:
        (pod,) = wait_for(lambda: running_pods(demo, "local-server-"), message="local-server")
        with official_client(demo) as api:
            nodes = node_ips(api)
            pod_node = client.CoreV1Api(api).read_namespaced_pod(pod, "default").spec.node_name
        home = nodes[pod_node]
        wait_for(
            lambda: names_over_new_connections(demo, home, 30081, 1)[0],
            message=f"{pod_node} ({home}) to answer on 30081",
        )
        assert names_over_new_connections(demo, home, 30081, 20) == [pod] * 20
        for node, ip in nodes.items():
            if node != pod_node:
                assert dropped(demo, ip, 30081), f"{node} ({ip}) did not drop on 30081 (Local)"
        # Cluster policy: every node forwards, also to the pod on another node.
        for node, ip in nodes.items():
            answers = wait_for(
                lambda ip=ip: (lambda got: got if None not in got else None)(
                    names_over_new_connections(demo, ip, 30082, 5)
                ),
                message=f"{node} ({ip}) to answer on 30082",
            )
            assert answers == [pod] * 5


# -- kube-proxy ----------------------------------------------------------------------------------


def test_node_port_spreads_per_connection_not_per_request(cluster: DemoCluster) -> None:
    pods = set(running_pods(cluster, "hostname-server-"))
    address = reach(cluster, "127.0.1.2", 30080)
    wait_for(lambda: names_over_new_connections(cluster, *address, 1)[0], message="30080")
    with plain_http(keep_alive=True) as http:
        kept = [hello(http, address) for _ in range(20)]
    assert len(set(kept)) == 1, f"one kept-alive connection reached {set(kept)}"
    assert kept[0] in pods
    assert set(names_over_new_connections(cluster, *address)) == pods


def test_scale_up_reaches_four_pods_and_scale_to_zero_refuses(
    cluster: DemoCluster, api: client.ApiClient
) -> None:
    apps = client.AppsV1Api(api)
    apps.patch_namespaced_deployment_scale("hostname-server", "default", {"spec": {"replicas": 4}})
    seen: set[str] = set()

    def four_pods_answer() -> bool:
        seen.update(n for n in names_over_new_connections(cluster, "127.0.1.1", 30080) if n)
        return len(seen) == 4

    wait_for(four_pods_answer, timeout=15, message=f"4 pods behind 30080; seen {seen}")
    assert seen == set(running_pods(cluster, "hostname-server-"))

    apps.patch_namespaced_deployment_scale("hostname-server", "default", {"spec": {"replicas": 0}})
    wait_for(lambda: not running_pods(cluster, "hostname-server-"), message="all pods to be gone")
    for ip in node_ips(api).values():
        wait_for(lambda ip=ip: refused(cluster, ip, 30080), message=f"{ip}:30080 to refuse")
    response = service_proxy(cluster, "nodeport-hostname-service:8080")
    assert response.status_code == 503
    assert response.json()["message"] == (
        'no endpoints available for service "nodeport-hostname-service"'
    )


# -- W6 ----------------------------------------------------------------------------------------


def test_wrong_selector_then_wrong_target_port(cluster: DemoCluster, api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    svc = core.read_namespaced_service("my-service", "default")
    cluster_ip = svc.spec.cluster_ip
    # The selector app=my-app-2 is the Deployment's label; its pods carry app=my-app.
    assert not core.read_namespaced_endpoints("my-service", "default").subsets
    slices = client.DiscoveryV1Api(api).list_namespaced_endpoint_slice(
        "default", label_selector="kubernetes.io/service-name=my-service"
    )
    assert all(not s.endpoints for s in slices.items)
    assert refused(cluster, cluster_ip, 80)

    # The fix of the selector: endpoints appear, on the wrong port (4000, nothing listens there).
    core.patch_namespaced_service(
        "my-service", "default", {"spec": {"selector": {"app": "my-app"}}}
    )
    pods = running_pods(cluster, "my-deployment-")
    assert len(pods) == 3

    def endpoints() -> list[tuple[str, int]] | None:
        subsets = core.read_namespaced_endpoints("my-service", "default").subsets or []
        found = [(a.ip, p.port) for s in subsets for a in s.addresses or () for p in s.ports]
        return found if len(found) == 3 else None

    found = wait_for(endpoints, message="3 endpoints of my-service")
    assert {port for _, port in found} == {4000}
    wait_for(lambda: not refused(cluster, cluster_ip, 80), message=f"a listener on {cluster_ip}:80")
    with plain_http(keep_alive=False) as http:
        failed = [hello(http, reach(cluster, cluster_ip, 80)) for _ in range(10)]
    assert failed == [None] * 10
    # The pods themselves answer on 80: it is the Service's targetPort that is wrong.
    for ip, _ in found:
        name = names_over_new_connections(cluster, ip, 80, 1)[0]
        assert name in pods

    # The second fix, targetPort 80 (ports merge on their `port` key): the Service answers.
    core.patch_namespaced_service(
        "my-service", "default", {"spec": {"ports": [{"port": 80, "targetPort": 80}]}}
    )
    names = wait_for(
        lambda: (lambda got: got if None not in got else None)(
            names_over_new_connections(cluster, cluster_ip, 80, 10)
        ),
        message=f"{cluster_ip}:80 to answer after targetPort 80",
    )
    assert set(names) <= set(pods)


# -- pod lifecycle -------------------------------------------------------------------------------


def test_deleted_pod_answers_no_more(
    cluster: DemoCluster, api: client.ApiClient, kubectl: Kubectl
) -> None:
    pods = running_pods(cluster, "hostname-server-")
    address = reach(cluster, "127.0.1.2", 30080)
    wait_for(lambda: names_over_new_connections(cluster, *address, 1)[0], message="30080")
    with plain_http(keep_alive=True) as kept:
        # Delete the pod this kept-alive connection is spliced to: its server closes it.
        victim = hello(kept, address)
        assert victim in pods
        pod_ip = client.CoreV1Api(api).read_namespaced_pod(victim, "default").status.pod_ip
        assert f'pod "{victim}" deleted' in kubectl("delete", "pod", victim)
        after_kept = [hello(kept, address) for _ in range(5)]
    # The kept-alive connection died with the pod; the client's next connection reached another.
    assert None not in after_kept and victim not in after_kept, after_kept
    assert victim not in names_over_new_connections(cluster, *address)
    # Its IP may already be a replacement pod's, but never its own page again.
    assert names_over_new_connections(cluster, pod_ip, 80, 1)[0] != victim
    proxied = [
        HELLO.search(service_proxy(cluster, "nodeport-hostname-service:8080").text)
        for _ in range(10)
    ]
    assert all(m is not None and m.group(1) != victim for m in proxied), proxied


# -- regressions --------------------------------------------------------------------------------


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files in /proc")
def test_forwarded_connections_are_closed(cluster: DemoCluster) -> None:
    wait_for(lambda: names_over_new_connections(cluster, "127.0.1.2", 30080, 1)[0], message="30080")
    gc.collect()
    gc.disable()
    try:
        baseline = open_fds()
        # The client closes each connection after its answer (Connection: close).
        assert None not in names_over_new_connections(cluster, "127.0.1.2", 30080, 20)
        wait_for(
            lambda: open_fds() <= baseline + 4,
            timeout=1.0,
            message=f"the 20 closed connections' sockets to close (baseline {baseline} fds)",
        )
    finally:
        gc.enable()


def test_official_client_decodes_nodes(api: client.ApiClient) -> None:
    nodes = client.CoreV1Api(api).list_node().items
    assert [n.metadata.name for n in nodes] == ["master", "worker1", "worker2"]
