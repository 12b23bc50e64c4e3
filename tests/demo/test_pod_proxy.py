"""The demo cluster's pod proxy, `/api/v1/namespaces/NS/pods/[scheme:]NAME[:PORT]/proxy/PATH`.

Followed sources: kubernetes pkg/registry/core/pod/strategy.go `ResourceLocation` (the id split by
utilnet.SplitSchemeNamePort, else `invalid pod request "ID"`; a missing pod is NotFound; no port
means the first containerPort of the first container that declares one, else none, so 80; a pod
IP that is not global unicast is `address not allowed`); k8s.io/apimachinery pkg/util/proxy
upgradeaware.go (a bare `.../proxy` is redirected to `.../proxy/`; the backend's answer passes
through) and transport.go (a failed round trip is 503 `error trying to reach service: ERR`, ERR
being Go's dial error); pkg/endpoints/request/requestinfo.go (the subresource is `pods/proxy`,
the verb the HTTP method's). The demo differs on purpose in one point: its pod IPs are loopback
(127.244.x.y), which the real server would refuse, and it accepts them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from k9lite.demo.cluster import ClusterRuntime, DemoCluster
from k9lite.demo.rbac.users import DemoUser
from tests.conftest import FAST, Kubectl, default_scenario, running_pods, wait_for
from tests.demo.test_api_errors import connect
from tests.demo.test_rbac import as_user

PODS = "/api/v1/namespaces/default/pods"
HELLO = re.compile(r"<p>Hello,  (\S+)</p>")
USERS = (DemoUser("viewer", "viewer"), DemoUser("bob", "edit"))


@pytest.fixture
def cluster() -> Iterator[DemoCluster]:
    """The default scenario, with a user who may read pods only and one who may edit."""
    with default_scenario(replace(FAST, users=USERS)) as demo:
        yield demo


def pod_named(cluster: DemoCluster, prefix: str) -> str:
    """One running pod of the default scenario whose name starts with `prefix`."""
    return running_pods(cluster, prefix)[0]


def pod_ip(raw: httpx.Client, name: str) -> str:
    ip: str = raw.get(f"{PODS}/{name}").json()["status"]["podIP"]
    return ip


def hello(body: str) -> str:
    """The pod name a Hello page names; fails on anything else."""
    found = HELLO.search(body)
    assert found, body
    return found.group(1)


def status_of(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["reason"], body["message"]


def create_pod(raw: httpx.Client, name: str, spec: dict[str, Any]) -> None:
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}
    assert raw.post(PODS, json=body).status_code == 201


def running_ip(raw: httpx.Client, name: str) -> str:
    """The pod's IP once it runs (the kubelet gives it when it starts the pod)."""

    def ip() -> str | None:
        status = raw.get(f"{PODS}/{name}").json().get("status", {})
        return str(status["podIP"]) if status.get("phase") == "Running" else None

    return wait_for(ip, message=f"pod {name} running")


# -- the real kubectl ----------------------------------------------------------------------------


def test_kubectl_reads_the_pods_page_through_the_pod_proxy(
    cluster: DemoCluster, kubectl: Kubectl, raw: httpx.Client
) -> None:
    """`kubectl get --raw .../pods/POD:80/proxy/` is the pod's own page (ResourceLocation)."""
    name = pod_named(cluster, "hostname-server-")
    assert hello(kubectl("get", "--raw", f"{PODS}/{name}:80/proxy/")) == name

    failed = kubectl.run("get", "--raw", f"{PODS}/{name}:4000/proxy/", check=False)
    assert failed.returncode != 0
    assert failed.stderr.strip() == (
        "Error from server (ServiceUnavailable): error trying to reach service: "
        f"dial tcp {pod_ip(raw, name)}:4000: connect: connection refused"
    )


def test_a_named_port_is_not_resolved(cluster: DemoCluster, kubectl: Kubectl) -> None:
    """ResourceLocation puts a named port into the URL's host as it is (SplitSchemeNamePort
    allows any port text); url.Parse refuses `IP:http`, upgradeaware.go normalizeLocation
    dereferences the nil URL and the panic filter answers 500 with its plain text."""
    name = pod_named(cluster, "pod-")  # its container's port 8080 is named http
    failed = kubectl.run("get", "--raw", f"{PODS}/{name}:http/proxy/", check=False)
    assert failed.returncode != 0
    assert "This request caused apiserver to panic. Look in the logs for details." in (
        failed.stderr
    )
    assert hello(kubectl("get", "--raw", f"{PODS}/{name}:8080/proxy/")) == name


# -- the official client -------------------------------------------------------------------------


def test_official_client_connects_to_a_pod(cluster: DemoCluster, core: client.CoreV1Api) -> None:
    """connect_get_namespaced_pod_proxy[_with_path], with and without a port; the bare form is
    redirected to `.../proxy/` (proxyRedirectsforRootPath) and urllib3 follows."""
    name = pod_named(cluster, "hostname-server-")
    by_path = core.connect_get_namespaced_pod_proxy_with_path(name, "default", path="")
    assert hello(by_path) == name
    with_port = core.connect_get_namespaced_pod_proxy_with_path(f"{name}:80", "default", path="")
    assert hello(with_port) == name
    assert hello(core.connect_get_namespaced_pod_proxy(name, "default")) == name


def test_official_client_missing_pod_is_not_found(core: client.CoreV1Api) -> None:
    """getPod's NotFound comes first, as for a GET of the pod."""
    with pytest.raises(ApiException) as caught:
        core.connect_get_namespaced_pod_proxy_with_path("nope", "default", path="")
    assert caught.value.status == 404
    assert json.loads(caught.value.body)["message"] == 'pods "nope" not found'


def test_official_client_pod_without_ip_is_refused(
    core: client.CoreV1Api, raw: httpx.Client
) -> None:
    """A pod no node fits stays Pending without an IP: `address not allowed` (400)."""
    create_pod(
        raw,
        "stuck",
        {"nodeSelector": {"disktype": "ssd"}, "containers": [{"name": "c", "image": "nginx"}]},
    )

    def unschedulable() -> bool:
        status = raw.get(f"{PODS}/stuck").json().get("status", {})
        return any(
            c.get("type") == "PodScheduled" and c.get("reason") == "Unschedulable"
            for c in status.get("conditions") or ()
        )

    wait_for(unschedulable, message="the scheduler's verdict on pod stuck")
    with pytest.raises(ApiException) as caught:
        core.connect_get_namespaced_pod_proxy_with_path("stuck", "default", path="")
    assert caught.value.status == 400
    body = json.loads(caught.value.body)
    assert (body["reason"], body["message"]) == ("BadRequest", "address not allowed")


# -- httpx -------------------------------------------------------------------------------------


def test_no_port_takes_the_first_declared_container_port(
    cluster: DemoCluster, raw: httpx.Client
) -> None:
    """The first port of the first container that declares one, whatever its protocol; with
    none declared, no port at all (http's 80)."""
    create_pod(
        raw,
        "udp-first",
        {
            "containers": [
                {"name": "plain", "image": "busybox"},
                {
                    "name": "dns",
                    "image": "dns",
                    "ports": [{"containerPort": 5353, "protocol": "UDP"}],
                },
                {"name": "web", "image": "web", "ports": [{"containerPort": 8080}]},
            ]
        },
    )
    ip = running_ip(raw, "udp-first")
    assert status_of(raw.get(f"{PODS}/udp-first/proxy/")) == (
        503,
        "ServiceUnavailable",
        f"error trying to reach service: dial tcp {ip}:5353: connect: connection refused",
    )
    assert hello(raw.get(f"{PODS}/udp-first:8080/proxy/").text) == "udp-first"

    named = pod_named(cluster, "pod-")  # declares 8080 only (named http)
    assert hello(raw.get(f"{PODS}/{named}/proxy/").text) == named
    bare = pod_named(cluster, "my-deployment-")  # declares no port: 80
    assert hello(raw.get(f"{PODS}/{bare}/proxy/").text) == bare


def test_the_pods_answer_passes_through_for_every_method(
    cluster: DemoCluster, raw: httpx.Client
) -> None:
    """Status, body and Content-Type are the pod's own, for each method ProxyREST serves."""
    name = pod_named(cluster, "hostname-server-")
    ip = pod_ip(raw, name)
    backend = cluster.call(lambda rt: rt.dataplane.resolve(ip, 80) if rt.dataplane else None)
    assert backend is not None
    direct = httpx.get(f"http://{backend[0]}:{backend[1]}/", trust_env=False)
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        proxied = raw.request(method, f"{PODS}/{name}/proxy/", content=b"{}")
        assert (proxied.status_code, proxied.text) == (direct.status_code, direct.text), method
        assert proxied.headers["content-type"] == direct.headers["content-type"], method
    head = raw.head(f"{PODS}/{name}/proxy/")
    assert (head.status_code, head.content) == (200, b"")


def test_bare_proxy_path_is_redirected(cluster: DemoCluster, raw: httpx.Client) -> None:
    name = pod_named(cluster, "hostname-server-")
    moved = raw.get(f"{PODS}/{name}/proxy", params={"a": "1"})
    assert moved.status_code == 301
    assert moved.headers["location"] == f"{PODS}/{name}/proxy/?a=1"
    # Only GET and HEAD are redirected; a POST goes to the pod's root as it is.
    assert hello(raw.post(f"{PODS}/{name}/proxy").text) == name


def test_ids_that_name_no_pod_port(cluster: DemoCluster, raw: httpx.Client) -> None:
    """SplitSchemeNamePort refuses more than three parts and schemes other than http(s); a
    port beyond 65535 fails in Go's dialer."""
    name = pod_named(cluster, "hostname-server-")
    for id_ in (f"a:{name}:80:1", f"ftp:{name}:80", ":80"):
        assert status_of(raw.get(f"{PODS}/{id_}/proxy/")) == (
            400,
            "BadRequest",
            f'invalid pod request "{id_}"',
        )
    assert status_of(raw.get(f"{PODS}/{name}:99999/proxy/")) == (
        503,
        "ServiceUnavailable",
        "error trying to reach service: dial tcp: address 99999: invalid port",
    )
    assert status_of(raw.get(f"{PODS}/http:{name}:4000/proxy/"))[2].endswith(
        ":4000: connect: connection refused"
    )
    # The demo's pods serve plain HTTP: https to them fails in the TLS handshake.
    assert status_of(raw.get(f"{PODS}/https:{name}:80/proxy/")) == (
        503,
        "ServiceUnavailable",
        "error trying to reach service: tls: first record does not look like a TLS handshake",
    )


def test_discovery_lists_pods_proxy(raw: httpx.Client) -> None:
    """`pods/proxy` beside `services/proxy`, each with its own options kind."""
    listed = {r["name"]: r for r in raw.get("/api/v1").json()["resources"]}
    for name, kind in (
        ("pods/proxy", "PodProxyOptions"),
        ("services/proxy", "ServiceProxyOptions"),
    ):
        assert listed[name]["kind"] == kind
        assert listed[name]["verbs"] == ["create", "delete", "get", "patch", "update"]
    aggregated = raw.get(
        "/api",
        headers={"Accept": "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"},
    ).json()
    (pods,) = [
        r for r in aggregated["items"][0]["versions"][0]["resources"] if r["resource"] == "pods"
    ]
    proxy = {s["subresource"]: s["responseKind"]["kind"] for s in pods["subresources"]}
    assert proxy["proxy"] == "PodProxyOptions"


# -- RBAC --------------------------------------------------------------------------------------


def test_pods_proxy_needs_its_own_permission(cluster: DemoCluster) -> None:
    """`viewer` may get pods but not pods/proxy: 403 with the verb of the HTTP method; `bob`
    (edit, which aggregates pods/proxy) is let through."""
    name = pod_named(cluster, "hostname-server-")
    user = 'User "viewer" cannot'
    with as_user(cluster, "viewer") as viewer:
        assert viewer.get(f"{PODS}/{name}").status_code == 200
        for method, verb in (("GET", "get"), ("POST", "create"), ("DELETE", "delete")):
            refused = viewer.request(method, f"{PODS}/{name}:80/proxy/")
            assert status_of(refused) == (
                403,
                "Forbidden",
                f'pods "{name}:80" is forbidden: {user} {verb} resource "pods/proxy" '
                'in API group "" in the namespace "default"',
            )
    with as_user(cluster, "bob") as bob:
        assert hello(bob.get(f"{PODS}/{name}:80/proxy/").text) == name


# -- where the data plane cannot dial ------------------------------------------------------------


def test_an_address_beyond_loopback_times_out(raw: httpx.Client) -> None:
    """The demo dials loopback addresses only; an endpoint elsewhere answers as a dial that
    timed out, and no longer claims the data plane is off."""
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "outside"},
        "spec": {"ports": [{"port": 80}]},
    }
    endpoints = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "outside"},
        "subsets": [{"addresses": [{"ip": "10.9.8.7"}], "ports": [{"port": 80}]}],
    }
    assert raw.post("/api/v1/namespaces/default/services", json=service).status_code == 201
    assert raw.post("/api/v1/namespaces/default/endpoints", json=endpoints).status_code == 201
    assert status_of(raw.get("/api/v1/namespaces/default/services/outside/proxy/")) == (
        503,
        "ServiceUnavailable",
        "error trying to reach service: dial tcp 10.9.8.7:80: i/o timeout",
    )


def test_with_the_data_plane_off_the_demo_says_so() -> None:
    with DemoCluster(replace(FAST, dataplane=False)) as demo:
        name = wait_for(lambda: running_pods(demo, "hostname-server-"), message="a pod")[0]

        def ip_of(rt: ClusterRuntime) -> str:
            from k9lite.demo.registry import resource

            return str(rt.store.get(resource("Pod"), "default", name)["status"]["podIP"])

        ip = demo.call(ip_of)
        with connect(demo) as raw:
            assert status_of(raw.get(f"{PODS}/{name}/proxy/")) == (
                503,
                "ServiceUnavailable",
                f"error trying to reach service: dial tcp {ip}:80: "
                "the demo cluster's data plane is off",
            )


def test_the_backend_never_sees_the_users_credentials(
    cluster: DemoCluster, raw: httpx.Client
) -> None:
    """The demo's pods echo no headers, so the API server itself stands as a backend behind a
    Service (the forwarding is the pod proxy's too): without the Authorization header, which
    the authentication filter removes, it answers 401, and that answer passes through as is."""
    port = httpx.URL(cluster.url).port
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "itself"},
        "spec": {"ports": [{"port": 443}]},
    }
    endpoints = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "itself"},
        "subsets": [{"addresses": [{"ip": "127.0.0.1"}], "ports": [{"port": port}]}],
    }
    assert raw.post("/api/v1/namespaces/default/services", json=service).status_code == 201
    assert raw.post("/api/v1/namespaces/default/endpoints", json=endpoints).status_code == 201
    path = "/api/v1/namespaces/default/pods/nope"
    assert raw.get(path).status_code == 404  # with the token
    proxied = raw.get(f"/api/v1/namespaces/default/services/https:itself:443/proxy{path}")
    assert proxied.headers["content-type"] == "application/json"
    assert status_of(proxied) == (401, "Unauthorized", "Unauthorized")
