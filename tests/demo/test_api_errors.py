"""Bad input, error Statuses and fault switches of the demo API server.

Every refusal is a `Status` with the HTTP code kube-apiserver answers, the server keeps serving,
and no stored object is lost or half-written: each test compares a full list of the resource it
touched (names and resourceVersions) before and after.
"""

from __future__ import annotations

import base64
import contextlib
import json
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl, running_pods

PODS = "/api/v1/namespaces/default/pods"
SERVICES = "/api/v1/namespaces/default/services"
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}
# Every kind the controllers write, cluster-wide: what a restart or a dropped watch must keep.
EVERYTHING = (
    "/api/v1/namespaces",
    "/api/v1/nodes",
    "/api/v1/pods",
    "/api/v1/services",
    "/api/v1/endpoints",
    "/apis/apps/v1/deployments",
    "/apis/apps/v1/replicasets",
    "/apis/discovery.k8s.io/v1/endpointslices",
)


def _pod(name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "labels": labels or {}},
        "spec": {"containers": [{"name": "c", "image": "i"}]},
    }


def connect(cluster: DemoCluster, *, authenticated: bool = True) -> httpx.Client:
    """A raw HTTPS client trusting the cluster's CA, sending its bearer token unless told not to."""
    context = ssl.create_default_context(cadata=cluster.ca_pem.decode())
    headers = {"Authorization": f"Bearer {cluster.token}"} if authenticated else {}
    return httpx.Client(
        base_url=cluster.url, verify=context, headers=headers, timeout=httpx.Timeout(10.0)
    )


@pytest.fixture
def http(cluster: DemoCluster) -> Iterator[httpx.Client]:
    with connect(cluster) as raw:
        yield raw


@pytest.fixture
def api(cluster: DemoCluster) -> Iterator[client.ApiClient]:
    api_client = config.new_client_from_config(config_file=str(cluster.kubeconfig_path))
    yield api_client
    api_client.close()


def assert_status(
    response: httpx.Response, code: int | tuple[int, ...], reason: str | None = None, *parts: str
) -> dict[str, Any]:
    """The answer is a failure `Status` whose body code is the HTTP code; returns the Status."""
    codes = (code,) if isinstance(code, int) else code
    assert response.status_code in codes, response.text
    assert response.headers["Content-Type"].startswith("application/json"), response.text
    status = response.json()
    assert status["kind"] == "Status"
    assert status["apiVersion"] == "v1"
    assert status["status"] == "Failure"
    assert status["code"] == response.status_code
    if reason is not None:
        assert status["reason"] == reason
    for part in parts:
        assert part in status["message"]
    return status


def versions(http: httpx.Client, *paths: str) -> dict[str, dict[str, str]]:
    """For each list path, every object as `namespace/name` -> resourceVersion."""
    found: dict[str, dict[str, str]] = {}
    for path in paths:
        response = http.get(path)
        assert response.status_code == 200, response.text
        found[path] = {
            f"{o['metadata'].get('namespace', '')}/{o['metadata']['name']}": o["metadata"][
                "resourceVersion"
            ]
            for o in response.json()["items"]
        }
    return found


def versions_of(cluster: DemoCluster, *paths: str) -> dict[str, dict[str, str]]:
    with connect(cluster) as raw:
        return versions(raw, *paths)


def watch_lines(response: httpx.Response) -> Iterator[dict[str, Any]]:
    for line in response.iter_lines():
        if line.strip():
            yield json.loads(line)


def read_to_end(response: httpx.Response) -> list[dict[str, Any]]:
    """Every event until the server ends the stream (a cut connection counts as an end)."""
    events: list[dict[str, Any]] = []
    with contextlib.suppress(httpx.RemoteProtocolError, httpx.ReadError):
        events.extend(watch_lines(response))
    return events


# -- 401 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", "Basic ZGVtbzpkZW1v", "Token {token}", "{token}"],
    ids=["no-token", "wrong-token", "basic", "token-scheme", "no-scheme"],
)
def test_unauthenticated_requests_get_401(
    cluster: DemoCluster, http: httpx.Client, authorization: str | None
) -> None:
    before = versions(http, "/api/v1/pods")
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization.format(token=cluster.token)
    with connect(cluster, authenticated=False) as anonymous:
        for method, path in [
            ("GET", PODS),
            ("GET", f"{PODS}?watch=true"),
            ("GET", "/api/v1/nodes/worker1"),
            ("GET", "/api"),
            ("POST", PODS),
            ("DELETE", f"{PODS}/{next(iter(before['/api/v1/pods'])).split('/')[1]}"),
        ]:
            response = anonymous.request(method, path, headers=headers, json=_pod("intruder"))
            assert_status(response, 401, "Unauthorized", "Unauthorized")
    assert versions(http, "/api/v1/pods") == before
    # The right token still works on the same server.
    assert http.get(PODS).status_code == 200


def test_kubectl_with_a_wrong_token_must_log_in(
    cluster: DemoCluster, tmp_path: Path, kubectl: Kubectl
) -> None:
    before = versions_of(cluster, PODS)
    document = yaml.safe_load(cluster.kubeconfig_path.read_text())
    document["users"][0]["user"]["token"] = "not-the-token"
    wrong = tmp_path / "wrong-kubeconfig"
    wrong.write_text(yaml.safe_dump(document))
    refused = Kubectl(wrong, tmp_path / "wrong-cache").run("get", "pods", check=False)
    assert refused.returncode != 0
    assert "You must be logged in to the server" in refused.stderr
    # kubectl's words for a 401 Status during discovery, as against any real cluster.
    assert "the server has asked for the client to provide credentials" in refused.stderr
    assert "hostname-server-" in kubectl("get", "pods")
    assert versions_of(cluster, PODS) == before


# -- 400 ----------------------------------------------------------------------------------------

_POD_JSON = json.dumps(_pod("fine")).encode()


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b'{"metadata": {"name": ', "application/json", "not valid JSON"),
        (b"metadata: {name: [unclosed\n", "application/yaml", "not valid YAML"),
        (b"[" + _POD_JSON + b"]", "application/json", "was not a Pod object"),
        (b"- a\n- b\n", "application/yaml", "was not a Pod object"),
        (
            json.dumps(
                {**_pod("fine"), "metadata": {"name": "fine", "namespace": "kube-system"}}
            ).encode(),
            "application/json",
            "the namespace of the provided object does not match the namespace sent on the request",
        ),
        (
            json.dumps(
                {**_pod("fine"), "metadata": {"name": "fine", "resourceVersion": "5"}}
            ).encode(),
            "application/json",
            "resourceVersion should not be set on objects to be created",
        ),
        (
            json.dumps({**_pod("fine"), "apiVersion": "apps/v1"}).encode(),
            "application/json",
            "does not match the expected v1 Pod",
        ),
    ],
    ids=[
        "bad-json",
        "bad-yaml",
        "json-list",
        "yaml-list",
        "namespace-mismatch",
        "resource-version",
        "api-version",
    ],
)
def test_bad_create_bodies_get_400(
    http: httpx.Client, body: bytes, content_type: str, message: str
) -> None:
    before = versions(http, "/api/v1/pods")
    response = http.post(PODS, content=body, headers={"Content-Type": content_type})
    assert_status(response, 400, "BadRequest", message)
    assert versions(http, "/api/v1/pods") == before
    assert http.get(f"{PODS}/fine").status_code == 404
    assert http.get("/api/v1/namespaces/kube-system/pods/fine").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"labelSelector": "app==="},
        {"labelSelector": "app in (a"},
        {"labelSelector": "!!app"},
        {"fieldSelector": "metadata.name"},
        {"limit": "two"},
        {"watch": "true", "resourceVersion": "yesterday"},
        {"watch": "true", "timeoutSeconds": "soon"},
    ],
    ids=str,
)
def test_bad_list_queries_get_400(http: httpx.Client, query: dict[str, str]) -> None:
    before = versions(http, "/api/v1/pods")
    assert_status(http.get(PODS, params=query), 400, "BadRequest")
    assert versions(http, "/api/v1/pods") == before


def test_bad_label_selector_message_says_it_once(http: httpx.Client) -> None:
    status = assert_status(http.get(PODS, params={"labelSelector": "app==="}), 400, "BadRequest")
    assert status["message"].count("unable to parse requirement") == 1


def test_unsupported_field_selector_gets_400(http: httpx.Client) -> None:
    assert_status(
        http.get(PODS, params={"fieldSelector": "spec.foo=x"}),
        400,
        "BadRequest",
        "field label not supported: spec.foo",
    )


@pytest.mark.parametrize("continue_token", ["garbage", "e30=", "bm90IGpzb24=", "eyJzdGFydCI6NX0="])
def test_garbage_continue_token_gets_400(http: httpx.Client, continue_token: str) -> None:
    response = http.get(PODS, params={"limit": "2", "continue": continue_token})
    assert_status(response, 400, "BadRequest", "continue")


# Malformed bodies on the other write verbs: each is the client's fault, so a 4xx Status.
_MALFORMED_WRITES = [
    ("PATCH", "{pod}", b"{", MERGE_PATCH, 400),
    ("PATCH", "{pod}", b"[]", MERGE_PATCH, 400),
    (
        "PATCH",
        "{pod}",
        b"{}",
        {"Content-Type": "application/json-patch+json"},
        400,
    ),
    ("PUT", "{pod}", b"{", {"Content-Type": "application/json"}, 400),
    ("PUT", f"{DEPLOYMENTS}/hostname-server/scale", b"[]", {}, 400),
    ("PATCH", f"{DEPLOYMENTS}/hostname-server/scale", b"{", MERGE_PATCH, 400),
    pytest.param(
        "DELETE",
        "{pod}",
        b'{"propagationPolicy": ',
        {"Content-Type": "application/json"},
        400,
    ),
    pytest.param(
        "DELETE",
        "{pod}",
        b"[1]",
        {"Content-Type": "application/json"},
        400,
    ),
    pytest.param(
        "DELETE",
        "{pod}?gracePeriodSeconds=soon",
        b"",
        {},
        400,
    ),
    pytest.param(
        "PATCH",
        "{pod}",
        b'{"metadata": "x"}',
        MERGE_PATCH,
        (400, 422),
    ),
    pytest.param(
        "PUT",
        f"{DEPLOYMENTS}/hostname-server/scale",
        b'{"metadata": "x", "spec": {"replicas": 3}}',
        {"Content-Type": "application/json"},
        400,
    ),
    pytest.param(
        "PUT",
        f"{DEPLOYMENTS}/hostname-server/scale",
        b'{"spec": {"replicas": "3"}}',
        {"Content-Type": "application/json"},
        400,
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "code"),
    _MALFORMED_WRITES,
    ids=[
        "patch-bad-json",
        "patch-merge-list",
        "patch-json-patch-object",
        "put-bad-json",
        "put-scale-list",
        "patch-scale-bad-json",
        "delete-bad-json",
        "delete-list",
        "delete-bad-grace",
        "patch-metadata-string",
        "put-scale-metadata-string",
        "put-scale-replicas-string",
    ],
)
def test_malformed_writes_get_a_4xx_status(
    http: httpx.Client,
    method: str,
    path: str,
    body: bytes,
    headers: dict[str, str],
    code: int | tuple[int, ...],
) -> None:
    pod = http.get(PODS, params={"labelSelector": "app=hostname-server"}).json()["items"][0]
    target = path.format(pod=f"{PODS}/{pod['metadata']['name']}")
    before = versions(http, "/api/v1/pods", "/apis/apps/v1/deployments")
    response = http.request(method, target, content=body, headers=headers)
    assert_status(response, code)
    assert versions(http, "/api/v1/pods", "/apis/apps/v1/deployments") == before


# -- 415 ----------------------------------------------------------------------------------------


def test_unknown_body_media_type_gets_415(http: httpx.Client) -> None:
    before = versions(http, "/api/v1/pods")
    response = http.post(PODS, content=_POD_JSON, headers={"Content-Type": "text/plain"})
    assert_status(response, 415, "UnsupportedMediaType", "application/json")
    assert versions(http, "/api/v1/pods") == before


# -- 404 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("GET", "/api/v1/namespaces/default/widgets", "could not find the requested resource"),
        ("GET", "/api/v1/widgets", "could not find the requested resource"),
        ("GET", "/apis/widgets.example.com/v1/widgets", "could not find the requested resource"),
        ("GET", "/apis/widgets.example.com/v1", "could not find the requested resource"),
        ("GET", f"{PODS}/nope", 'pods "nope" not found'),
        ("DELETE", f"{PODS}/nope", 'pods "nope" not found'),
        ("GET", f"{DEPLOYMENTS}/nope/scale", 'deployments.apps "nope" not found'),
        ("GET", f"{SERVICES}/nope/proxy/", 'services "nope" not found'),
        ("GET", f"{PODS}/nope/bogus-subresource", "could not find the requested resource"),
    ],
)
def test_missing_things_get_404(http: httpx.Client, method: str, path: str, message: str) -> None:
    assert_status(http.request(method, path), 404, "NotFound", message)


def test_writes_to_missing_objects_get_404(http: httpx.Client) -> None:
    before = versions(http, "/api/v1/pods")
    put = http.put(f"{PODS}/nope", json=_pod("nope"))
    status = assert_status(put, 404, "NotFound", 'pods "nope" not found')
    assert status["details"] == {"name": "nope", "kind": "pods"}
    assert_status(http.patch(f"{PODS}/nope", json={}, headers=MERGE_PATCH), 404, "NotFound")
    assert versions(http, "/api/v1/pods") == before


@pytest.mark.parametrize(
    ("plural", "body"),
    [
        ("pods", _pod("orphan")),
        ("services", {"metadata": {"name": "orphan"}, "spec": {"ports": [{"port": 80}]}}),
    ],
)
def test_create_in_a_missing_namespace_gets_404(
    http: httpx.Client, plural: str, body: dict[str, Any]
) -> None:
    before = versions(http, f"/api/v1/{plural}", "/api/v1/namespaces")
    response = http.post(f"/api/v1/namespaces/nope/{plural}", json=body)
    status = assert_status(response, 404, "NotFound", 'namespaces "nope" not found')
    assert status["details"] == {"name": "nope", "kind": "namespaces"}
    assert versions(http, f"/api/v1/{plural}", "/api/v1/namespaces") == before


def test_kubectl_get_an_unknown_resource_type(kubectl: Kubectl) -> None:
    result = kubectl.run("get", "widgets", check=False)
    assert result.returncode != 0
    assert 'the server doesn\'t have a resource type "widgets"' in result.stderr
    assert "hostname-server" in kubectl("get", "deploy")


# -- 409 ----------------------------------------------------------------------------------------


def test_create_twice_gets_already_exists(http: httpx.Client) -> None:
    def service(owner: str) -> dict[str, Any]:
        return {
            "metadata": {"name": "twice", "labels": {"owner": owner}},
            "spec": {"ports": [{"port": 80}]},
        }

    created = http.post(SERVICES, json=service("first"))
    assert created.status_code == 201, created.text
    before = versions(http, "/api/v1/services")
    again = http.post(SERVICES, json=service("second"))
    status = assert_status(again, 409, "AlreadyExists", 'services "twice" already exists')
    assert status["details"] == {"name": "twice", "kind": "services"}
    assert versions(http, "/api/v1/services") == before
    stored = http.get(f"{SERVICES}/twice").json()
    assert stored["metadata"]["labels"] == {"owner": "first"}
    assert stored["metadata"]["uid"] == created.json()["metadata"]["uid"]


def test_client_create_twice_gets_409(api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    body = {"metadata": {"name": "svc-3"}, "spec": {"ports": [{"port": 80}]}}
    with pytest.raises(ApiException) as refused:
        core.create_namespaced_service("default", body)
    assert refused.value.status == 409
    status = json.loads(refused.value.body)
    assert (status["kind"], status["reason"]) == ("Status", "AlreadyExists")
    assert core.read_namespaced_service("svc-3", "default").spec.type == "LoadBalancer"


def test_put_with_a_stale_resource_version_gets_conflict(
    api: client.ApiClient, http: httpx.Client
) -> None:
    core = client.CoreV1Api(api)
    stale = core.read_namespaced_service("nodeport-hostname-service", "default")
    bumped = http.patch(
        f"{SERVICES}/nodeport-hostname-service",
        json={"metadata": {"annotations": {"bumped": "yes"}}},
        headers=MERGE_PATCH,
    )
    assert bumped.status_code == 200, bumped.text
    before = versions(http, "/api/v1/services")
    stale.spec.ports[0].port = 9999
    with pytest.raises(ApiException) as refused:
        core.replace_namespaced_service("nodeport-hostname-service", "default", stale)
    assert refused.value.status == 409
    status = json.loads(refused.value.body)
    assert (status["kind"], status["status"], status["reason"]) == ("Status", "Failure", "Conflict")
    assert "the object has been modified" in status["message"]
    assert versions(http, "/api/v1/services") == before
    kept = http.get(f"{SERVICES}/nodeport-hostname-service").json()
    assert [(p["port"], p["nodePort"]) for p in kept["spec"]["ports"]] == [(8080, 30080)]
    assert kept["metadata"]["resourceVersion"] == bumped.json()["metadata"]["resourceVersion"]


def test_scale_put_with_a_stale_resource_version_gets_conflict(
    cluster: DemoCluster, http: httpx.Client
) -> None:
    scale_path = f"{DEPLOYMENTS}/hostname-server/scale"
    stale = http.get(scale_path).json()
    bumped = http.patch(
        f"{DEPLOYMENTS}/hostname-server",
        json={"metadata": {"annotations": {"bumped": "yes"}}},
        headers=MERGE_PATCH,
    )
    assert bumped.status_code == 200, bumped.text
    assert stale["metadata"]["resourceVersion"] != bumped.json()["metadata"]["resourceVersion"]
    before = versions(http, "/apis/apps/v1/deployments", "/apis/apps/v1/replicasets")
    stale["spec"]["replicas"] = 5
    response = http.put(scale_path, json=stale)
    assert_status(response, 409, "Conflict", "the object has been modified")
    assert versions(http, "/apis/apps/v1/deployments", "/apis/apps/v1/replicasets") == before
    assert http.get(scale_path).json()["spec"]["replicas"] == 2
    assert len(running_pods(cluster, "hostname-server-")) == 2


# -- 422 ----------------------------------------------------------------------------------------

_INVALID = [
    (PODS, _pod("My_Name"), "metadata.name", "a lowercase RFC 1123 subdomain"),
    (PODS, _pod("bad-key", {"bad key!": "v"}), "metadata.labels", "name part must consist"),
    (PODS, _pod("bad-value", {"k": "bad value!"}), "metadata.labels", "a valid label must be"),
    (
        DEPLOYMENTS,
        {
            "metadata": {"name": "mismatch"},
            "spec": {
                "selector": {"matchLabels": {"app": "a"}},
                "template": {
                    "metadata": {"labels": {"app": "b"}},
                    "spec": {"containers": [{"name": "c", "image": "i"}]},
                },
            },
        },
        "spec.template.metadata.labels",
        "`selector` does not match template `labels`",
    ),
    (
        SERVICES,
        {
            "metadata": {"name": "np80"},
            "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 80}]},
        },
        "spec.ports[0].nodePort",
        "provided port is not in the valid range. The range of valid ports is 30000-32767",
    ),
    (
        SERVICES,
        {
            "metadata": {"name": "np-taken"},
            "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]},
        },
        "spec.ports[0].nodePort",
        "Invalid value: 30080: provided port is already allocated",
    ),
    (
        SERVICES,
        {"metadata": {"name": "ext"}, "spec": {"type": "ExternalName"}},
        "spec.externalName",
        "Required value",
    ),
]


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    _INVALID,
    ids=[
        "name",
        "label-key",
        "label-value",
        "selector-mismatch",
        "node-port-range",
        "node-port-taken",
        "external-name",
    ],
)
def test_invalid_objects_get_422_with_causes(
    http: httpx.Client, path: str, body: dict[str, Any], field: str, message: str
) -> None:
    listed = path.replace("/namespaces/default", "")
    before = versions(http, listed)
    status = assert_status(http.post(path, json=body), 422, "Invalid", message)
    name = body["metadata"]["name"]
    kind = {PODS: "Pod", SERVICES: "Service", DEPLOYMENTS: "Deployment.apps"}[path]
    assert status["message"].startswith(f'{kind} "{name}" is invalid: {field}')
    assert status["details"]["name"] == name
    causes = status["details"]["causes"]
    assert any(c["field"] == field and message.split(": ")[-1] in c["message"] for c in causes)
    assert all(set(c) == {"reason", "message", "field"} for c in causes)
    assert versions(http, listed) == before
    assert_status(http.get(f"{path}/{name}"), 404, "NotFound")


def test_node_port_taken_keeps_its_owner(http: httpx.Client) -> None:
    body = {
        "metadata": {"name": "np-taken"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]},
    }
    assert_status(http.post(SERVICES, json=body), 422, "Invalid")
    owners = [
        s["metadata"]["name"]
        for s in http.get("/api/v1/services").json()["items"]
        for p in s["spec"].get("ports", ())
        if p.get("nodePort") == 30080
    ]
    assert owners == ["nodeport-hostname-service"]


def test_negative_replicas_in_a_scale_patch_gets_422(
    cluster: DemoCluster, http: httpx.Client
) -> None:
    before = versions(http, "/apis/apps/v1/deployments", "/apis/apps/v1/replicasets")
    response = http.patch(
        f"{DEPLOYMENTS}/hostname-server/scale",
        json={"spec": {"replicas": -1}},
        headers=MERGE_PATCH,
    )
    status = assert_status(response, 422, "Invalid", "must be greater than or equal to 0")
    assert [c["field"] for c in status["details"]["causes"]] == ["spec.replicas"]
    assert versions(http, "/apis/apps/v1/deployments", "/apis/apps/v1/replicasets") == before
    assert len(running_pods(cluster, "hostname-server-")) == 2


_NODE_PORT_YAML = """
apiVersion: v1
kind: Service
metadata: {name: NAME}
spec:
  type: NodePort
  selector: {app: hostname-server}
  ports: [{port: 80, targetPort: 80, nodePort: PORT}]
"""


@pytest.mark.parametrize(
    ("name", "port", "message"),
    [
        (
            "np80",
            80,
            'The Service "np80" is invalid: spec.ports[0].nodePort: Invalid value: 80: '
            "provided port is not in the valid range. The range of valid ports is 30000-32767",
        ),
        (
            "np-taken",
            30080,
            'The Service "np-taken" is invalid: spec.ports[0].nodePort: Invalid value: 30080: '
            "provided port is already allocated",
        ),
    ],
)
def test_kubectl_apply_prints_the_servers_invalid_message(
    cluster: DemoCluster, kubectl: Kubectl, name: str, port: int, message: str
) -> None:
    before = versions_of(cluster, "/api/v1/services")
    manifest = _NODE_PORT_YAML.replace("NAME", name).replace("PORT", str(port))
    result = kubectl.run("apply", "-f", "-", stdin=manifest, check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert versions_of(cluster, "/api/v1/services") == before
    assert "nodeport-hostname-service" in kubectl("get", "svc")


def test_client_invalid_service_gets_422(api: client.ApiClient) -> None:
    core = client.CoreV1Api(api)
    body = {
        "metadata": {"name": "np80"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 80}]},
    }
    with pytest.raises(ApiException) as refused:
        core.create_namespaced_service("default", body)
    assert refused.value.status == 422
    status = json.loads(refused.value.body)
    assert status["details"]["causes"][0]["field"] == "spec.ports[0].nodePort"
    names = {s.metadata.name for s in core.list_namespaced_service("default").items}
    assert "np80" not in names
    assert "nodeport-hostname-service" in names


# -- fault switches -----------------------------------------------------------------------------


def test_forbid_a_kind_then_allow_it_again(
    cluster: DemoCluster, http: httpx.Client, kubectl: Kubectl
) -> None:
    nodes = versions(http, "/api/v1/nodes")
    cluster.forbid("nodes")
    status = assert_status(
        http.get("/api/v1/nodes"),
        403,
        "Forbidden",
        'nodes is forbidden: User "demo-admin" cannot list resource "nodes"',
    )
    assert status["details"]["kind"] == "nodes"
    assert_status(http.get("/api/v1/nodes", params={"watch": "true"}), 403, "Forbidden", "watch")
    assert_status(http.get("/api/v1/nodes/worker1"), 403, "Forbidden", "cannot get")
    refused = kubectl.run("get", "nodes", check=False)
    assert refused.returncode != 0
    assert "Error from server (Forbidden): nodes is forbidden" in refused.stderr
    # The other kinds are untouched.
    assert len(http.get(PODS).json()["items"]) == 7
    assert "hostname-server-" in kubectl("get", "pods")
    cluster.forbid("nodes", False)
    assert versions(http, "/api/v1/nodes") == nodes
    assert "worker2" in kubectl("get", "nodes")


def test_forbidden_get_names_the_object(cluster: DemoCluster, http: httpx.Client) -> None:
    cluster.forbid("nodes")
    status = assert_status(http.get("/api/v1/nodes/worker1"), 403, "Forbidden")
    assert status["message"].startswith('nodes "worker1" is forbidden: ')
    assert status["details"]["name"] == "worker1"


def test_latency_slows_every_answer(cluster: DemoCluster, http: httpx.Client) -> None:
    cluster.set_latency(0.3)
    start = time.monotonic()
    slow = http.get(f"{SERVICES}/svc-3")
    assert time.monotonic() - start >= 0.3
    assert slow.status_code == 200
    start = time.monotonic()
    assert_status(http.get(f"{PODS}/nope"), 404, "NotFound")
    assert time.monotonic() - start >= 0.3
    cluster.set_latency(0)
    assert http.get(f"{SERVICES}/svc-3").json() == slow.json()


def test_restart_ends_watches_and_keeps_every_object(cluster: DemoCluster) -> None:
    with connect(cluster) as before_restart:
        before = versions(before_restart, *EVERYTHING)
        listed = before_restart.get(PODS).json()["metadata"]["resourceVersion"]
        with before_restart.stream(
            "GET", PODS, params={"watch": "true", "resourceVersion": listed}
        ) as stream:
            assert stream.status_code == 200
            port = cluster.runtime.server.port
            cluster.restart_api_server()
            # The stream ends instead of hanging until the read timeout.
            assert read_to_end(stream) == []
    assert cluster.runtime.server.port == port
    with connect(cluster) as after_restart:
        assert after_restart.get("/version").status_code == 200
        assert versions(after_restart, *EVERYTHING) == before
        # Watching again from the same version works and replays nothing.
        with after_restart.stream(
            "GET", PODS, params={"watch": "true", "resourceVersion": listed, "timeoutSeconds": "1"}
        ) as stream:
            assert read_to_end(stream) == []


def test_drop_watches_ends_streams_without_losing_state(
    cluster: DemoCluster, http: httpx.Client
) -> None:
    before = versions(http, *EVERYTHING)
    listed = http.get("/api/v1/services").json()["metadata"]["resourceVersion"]
    with http.stream(
        "GET", "/api/v1/services", params={"watch": "true", "resourceVersion": listed}
    ) as stream:
        assert stream.status_code == 200
        cluster.drop_watches()
        assert read_to_end(stream) == []
    assert versions(http, *EVERYTHING) == before


def test_expired_history_sends_410_in_the_stream(cluster: DemoCluster, http: httpx.Client) -> None:
    pod = http.get(PODS, params={"labelSelector": "app=hostname-server"}).json()["items"][0]
    old = http.get(PODS).json()["metadata"]["resourceVersion"]
    name = pod["metadata"]["name"]
    patched = http.patch(
        f"{PODS}/{name}", json={"metadata": {"labels": {"seen": "yes"}}}, headers=MERGE_PATCH
    )
    assert patched.status_code == 200, patched.text
    before = versions(http, *EVERYTHING)
    with http.stream("GET", PODS, params={"watch": "true", "resourceVersion": old}) as open_watch:
        cluster.expire_watch_history()
        # The open watch had already been sent the patch, and then it ends.
        assert [e["type"] for e in read_to_end(open_watch)] == ["MODIFIED"]
    with http.stream("GET", PODS, params={"watch": "true", "resourceVersion": old}) as stream:
        assert stream.status_code == 200
        events = read_to_end(stream)
    assert [e["type"] for e in events] == ["ERROR"]
    status = events[0]["object"]
    assert (status["kind"], status["status"], status["code"]) == ("Status", "Failure", 410)
    assert status["reason"] == "Expired"
    assert "too old resource version" in status["message"]
    assert versions(http, *EVERYTHING) == before
    # A relist gives a version from which watching works again.
    fresh = http.get(PODS).json()["metadata"]["resourceVersion"]
    with http.stream(
        "GET", PODS, params={"watch": "true", "resourceVersion": fresh, "timeoutSeconds": "1"}
    ) as stream:
        assert read_to_end(stream) == []


# -- watch semantics ----------------------------------------------------------------------------


def test_watch_from_the_list_version_replays_nothing_then_streams(http: httpx.Client) -> None:
    listed = http.get(PODS).json()["metadata"]["resourceVersion"]
    with http.stream("GET", PODS, params={"watch": "true", "resourceVersion": listed}) as stream:
        created = http.post(PODS, json=_pod("newcomer"))
        assert created.status_code == 201, created.text
        first = next(watch_lines(stream))
    assert first["type"] == "ADDED"
    assert first["object"]["metadata"]["name"] == "newcomer"
    assert (
        first["object"]["metadata"]["resourceVersion"]
        == (created.json()["metadata"]["resourceVersion"])
    )
    assert int(first["object"]["metadata"]["resourceVersion"]) > int(listed)


def test_watch_with_initial_events_ends_them_with_a_bookmark(http: httpx.Client) -> None:
    names = sorted(p["metadata"]["name"] for p in http.get(PODS).json()["items"])
    params = {
        "watch": "true",
        "sendInitialEvents": "true",
        "resourceVersionMatch": "NotOlderThan",
        "allowWatchBookmarks": "true",
    }
    events = []
    with http.stream("GET", PODS, params=params) as stream:
        for event in watch_lines(stream):
            events.append(event)
            if event["type"] == "BOOKMARK":
                break
    *added, bookmark = events
    assert {e["type"] for e in added} == {"ADDED"}
    assert sorted(e["object"]["metadata"]["name"] for e in added) == names
    assert bookmark["object"]["kind"] == "Pod"
    assert bookmark["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}
    assert int(bookmark["object"]["metadata"]["resourceVersion"]) >= max(
        int(e["object"]["metadata"]["resourceVersion"]) for e in added
    )


def test_label_filtered_watch_sees_a_pod_leave_as_deleted(http: httpx.Client) -> None:
    pod = http.get(PODS, params={"labelSelector": "app=hostname-server"}).json()["items"][0]
    name = pod["metadata"]["name"]
    path = f"{PODS}/{name}"
    tagged = http.patch(
        path, json={"metadata": {"labels": {"watched": "yes"}}}, headers=MERGE_PATCH
    )
    assert tagged.status_code == 200, tagged.text
    listed = http.get(PODS, params={"labelSelector": "watched=yes"}).json()
    assert [p["metadata"]["name"] for p in listed["items"]] == [name]
    params = {
        "watch": "true",
        "labelSelector": "watched=yes",
        "resourceVersion": listed["metadata"]["resourceVersion"],
    }
    with http.stream("GET", PODS, params=params) as stream:
        untagged = http.patch(
            path, json={"metadata": {"labels": {"watched": None}}}, headers=MERGE_PATCH
        )
        assert untagged.status_code == 200, untagged.text
        event = next(watch_lines(stream))
    assert event["type"] == "DELETED"
    assert event["object"]["metadata"]["name"] == name
    # Only the filter lost it: the pod is still there.
    still = http.get(path).json()
    assert still["metadata"]["uid"] == pod["metadata"]["uid"]
    assert "watched" not in still["metadata"]["labels"]


def test_watch_timeout_ends_the_stream(http: httpx.Client) -> None:
    listed = http.get(PODS).json()["metadata"]["resourceVersion"]
    start = time.monotonic()
    with http.stream(
        "GET", PODS, params={"watch": "true", "resourceVersion": listed, "timeoutSeconds": "1"}
    ) as stream:
        assert stream.status_code == 200
        # Ends by itself (the client's read timeout is 10 s), cleanly, with nothing to say.
        assert list(watch_lines(stream)) == []
    assert time.monotonic() - start >= 0.9


# -- paging -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PODS, "/api/v1/pods", "/api/v1/services"])
def test_paging_returns_every_object_once(http: httpx.Client, path: str) -> None:
    everything = http.get(path).json()["items"]
    assert len(everything) > 2
    first = http.get(path, params={"limit": "2"}).json()
    assert len(first["items"]) == 2
    assert first["metadata"]["continue"]
    assert first["metadata"]["remainingItemCount"] == len(everything) - 2
    seen = [i["metadata"]["uid"] for i in first["items"]]
    page = first
    while page["metadata"].get("continue"):
        page = http.get(
            path, params={"limit": "2", "continue": page["metadata"]["continue"]}
        ).json()
        assert 1 <= len(page["items"]) <= 2
        seen.extend(i["metadata"]["uid"] for i in page["items"])
    assert "remainingItemCount" not in page["metadata"]
    assert seen == [i["metadata"]["uid"] for i in everything]


def test_client_and_kubectl_page_through_pods(api: client.ApiClient, kubectl: Kubectl) -> None:
    core = client.CoreV1Api(api)
    names: list[str] = []
    token = None
    while True:
        page = core.list_pod_for_all_namespaces(limit=3, _continue=token)
        names.extend(p.metadata.name for p in page.items)
        token = page.metadata._continue
        if not token:
            break
    assert len(names) == len(set(names)) == 7
    chunked = kubectl("get", "pods", "-A", "--chunk-size=2", "-o", "name").split()
    assert sorted(chunked) == sorted(f"pod/{n}" for n in names)


def test_continue_token_of_another_shape_gets_400(http: httpx.Client) -> None:
    token = base64.urlsafe_b64encode(b'{"v": "meta.k8s.io/v1", "rv": 1}').decode()
    assert_status(http.get(PODS, params={"limit": "2", "continue": token}), 400, "BadRequest")
