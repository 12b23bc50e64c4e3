"""RBAC in the demo cluster, driven as a user would: the real kubectl, the official client, httpx.

Sources followed for every 403 body: k8s.io/apiserver
`pkg/endpoints/handlers/responsewriters/errors.go` (forbiddenMessage: `User "U" cannot VERB
resource "RES[/SUB]" in API group "G" in the namespace "NS"` or `at the cluster scope`, and
`cannot VERB path "P"` for other paths), wrapped by k8s.io/apimachinery `pkg/api/errors`
NewForbidden (`RES[.GROUP] ["NAME"] is forbidden: ...`, details {group, kind, name}); the
verb is the request-info resolver's (`pkg/endpoints/request/requestinfo.go`); a broken
binding's reason is rbac.go's `RBAC: ` + the role lister's NotFound. kubectl prints a refusal as
`Error from server (Forbidden): MESSAGE`.
"""

from __future__ import annotations

import json
import ssl
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from kubernetes import client, config, watch
from kubernetes.client.exceptions import ApiException

from k9lite.demo.cluster import DemoCluster, kubeconfig_document
from k9lite.demo.kubeconfig_file import KubeconfigOutError, check_kubeconfig_out, write_private
from k9lite.demo.rbac.users import DemoUser
from tests.conftest import FAST, Kubectl, default_scenario, running_pods, wait_for

USERS = (
    DemoUser("viewer", "viewer"),
    DemoUser("alice", "view"),
    DemoUser("bob", "edit"),
    DemoUser("carol", "system:basic-user"),
)
FORBIDDEN = "Error from server (Forbidden): "


@pytest.fixture
def cluster() -> Iterator[DemoCluster]:
    with default_scenario(replace(FAST, users=USERS)) as demo:
        yield demo


def as_user(cluster: DemoCluster, user: str) -> httpx.Client:
    context = ssl.create_default_context(cadata=cluster.ca_pem.decode())
    token = cluster.user_tokens[user] if user != "demo-admin" else cluster.token
    return httpx.Client(
        base_url=cluster.url,
        verify=context,
        headers={"Authorization": f"Bearer {token}"},
        timeout=httpx.Timeout(10.0),
    )


def refused(kubectl: Kubectl, *args: str, stdin: str | None = None) -> str:
    """kubectl's stderr for a command the server refuses; fails if it succeeded."""
    result = kubectl.run(*args, check=False, stdin=stdin)
    assert result.returncode != 0, f"kubectl {' '.join(args)} succeeded:\n{result.stdout}"
    return result.stderr.strip()


def forbidden_status(message: str, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": "Forbidden",
        "details": details,
        "code": 403,
    }


# -- users and kubeconfig -----------------------------------------------------------------------


def test_each_user_has_a_token_and_a_context(cluster: DemoCluster) -> None:
    document = yaml.safe_load(cluster.kubeconfig_path.read_text())
    contexts = {c["name"]: c["context"]["user"] for c in document["contexts"]}
    assert contexts == {
        "k9lite-demo": "demo-admin",
        "viewer": "viewer",
        "alice": "alice",
        "bob": "bob",
        "carol": "carol",
    }
    assert document["current-context"] == "k9lite-demo"
    tokens = {u["name"]: u["user"]["token"] for u in document["users"]}
    assert tokens["demo-admin"] == cluster.token
    assert {name: tokens[name] for name in cluster.user_tokens} == cluster.user_tokens
    assert len(set(tokens.values())) == len(tokens)
    assert stat.S_IMODE(cluster.kubeconfig_path.stat().st_mode) == 0o600


def test_a_kubeconfig_with_user_contexts_may_be_written_again(tmp_path: Path) -> None:
    """--kubeconfig-out replaces, without --force, a file demo-cluster wrote with --user."""
    path = tmp_path / "kubeconfig"
    write_private(path, kubeconfig_document("https://127.0.0.1:1", b"ca", "t", {"viewer": "v"}))
    check_kubeconfig_out(path, force=False)
    document = yaml.safe_load(path.read_text())
    document["contexts"].reverse()
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(KubeconfigOutError, match="contexts viewer, k9lite-demo"):
        check_kubeconfig_out(path, force=False)


def test_a_wrong_token_is_401_not_403(cluster: DemoCluster) -> None:
    with as_user(cluster, "viewer") as http:
        answer = http.get("/api/v1/pods", headers={"Authorization": "Bearer nope"})
    assert answer.status_code == 401
    assert answer.json()["reason"] == "Unauthorized"


def test_bad_users_are_refused_before_start() -> None:
    from k9lite.demo.cluster import DemoOptions, DemoStartError

    cases = {
        "demo-admin": "is the demo's admin",
        "Bad_Name": "lowercase RFC 1123 subdomain",
    }
    for name, expected in cases.items():
        with pytest.raises(DemoStartError, match=expected):
            DemoCluster(DemoOptions(users=(DemoUser(name, "view"),)))
    with pytest.raises(DemoStartError, match="unknown role 'root'; choose from cluster-admin"):
        DemoCluster(DemoOptions(users=(DemoUser("x", "root"),)))
    with pytest.raises(DemoStartError, match="given twice"):
        DemoCluster(DemoOptions(users=(DemoUser("x", "view"), DemoUser("x", "edit"))))


# -- the viewer: pods and services of default, nothing else -----------------------------------


def test_viewer_reads_pods_and_services_with_kubectl(kubectl: Kubectl) -> None:
    pods = kubectl("--context", "viewer", "get", "pods")
    assert pods.splitlines()[0].split()[:3] == ["NAME", "READY", "STATUS"]
    assert pods.count("Running") == 7
    services = kubectl("--context", "viewer", "get", "services")
    assert "nodeport-hostname-service" in services
    assert "8080:30080/TCP" in services
    named = kubectl("--context", "viewer", "get", "service", "kubernetes", "-o", "name")
    assert named.strip() == "service/kubernetes"


def test_viewer_gets_the_real_403_for_everything_else(kubectl: Kubectl) -> None:
    cases = {
        ("get", "deploy"): 'deployments.apps is forbidden: User "viewer" cannot list resource '
        '"deployments" in API group "apps" in the namespace "default"',
        ("get", "endpointslices"): "endpointslices.discovery.k8s.io is forbidden: User "
        '"viewer" cannot list resource "endpointslices" in API group "discovery.k8s.io" in the '
        'namespace "default"',
        ("get", "nodes"): 'nodes is forbidden: User "viewer" cannot list resource "nodes" in '
        'API group "" at the cluster scope',
        ("get", "namespaces"): 'namespaces is forbidden: User "viewer" cannot list resource '
        '"namespaces" in API group "" at the cluster scope',
        ("get", "pods", "-n", "kube-system"): 'pods is forbidden: User "viewer" cannot list '
        'resource "pods" in API group "" in the namespace "kube-system"',
        ("get", "node", "worker1"): 'nodes "worker1" is forbidden: User "viewer" cannot get '
        'resource "nodes" in API group "" at the cluster scope',
        ("delete", "service", "svc-3"): 'services "svc-3" is forbidden: User "viewer" cannot '
        'delete resource "services" in API group "" in the namespace "default"',
        ("get", "rolebindings"): "rolebindings.rbac.authorization.k8s.io is forbidden: User "
        '"viewer" cannot list resource "rolebindings" in API group "rbac.authorization.k8s.io" '
        'in the namespace "default"',
    }
    for args, message in cases.items():
        assert refused(kubectl, "--context", "viewer", *args) == FORBIDDEN + message, args


def test_forbidden_bodies_over_http(cluster: DemoCluster) -> None:
    """The exact Status of each refusal: list, watch, get, subresources, collections, paths."""
    user = 'User "viewer" cannot'
    ns = 'in API group "" in the namespace'
    cases: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
        ("GET", "/api/v1/namespaces/kube-system/pods"): (
            f'pods is forbidden: {user} list resource "pods" {ns} "kube-system"',
            {"kind": "pods"},
        ),
        ("GET", "/api/v1/pods"): (
            f'pods is forbidden: {user} list resource "pods" in API group "" at the cluster scope',
            {"kind": "pods"},
        ),
        ("GET", "/api/v1/nodes?watch=true"): (
            f'nodes is forbidden: {user} watch resource "nodes" in API group "" at the cluster '
            "scope",
            {"kind": "nodes"},
        ),
        ("GET", "/apis/apps/v1/namespaces/default/deployments/hostname-server/scale"): (
            f'deployments.apps "hostname-server" is forbidden: {user} get resource '
            '"deployments/scale" in API group "apps" in the namespace "default"',
            {"name": "hostname-server", "group": "apps", "kind": "deployments"},
        ),
        ("PATCH", "/api/v1/namespaces/default/pods/x/status"): (
            f'pods "x" is forbidden: {user} patch resource "pods/status" {ns} "default"',
            {"name": "x", "kind": "pods"},
        ),
        ("GET", "/api/v1/namespaces/default/services/svc-3:9000/proxy/"): (
            f'services "svc-3:9000" is forbidden: {user} get resource "services/proxy" '
            f'{ns} "default"',
            {"name": "svc-3:9000", "kind": "services"},
        ),
        ("DELETE", "/api/v1/namespaces/default/pods"): (
            f'pods is forbidden: {user} deletecollection resource "pods" {ns} "default"',
            {"kind": "pods"},
        ),
        ("POST", "/api/v1/namespaces/default/pods"): (
            f'pods is forbidden: {user} create resource "pods" {ns} "default"',
            {"kind": "pods"},
        ),
        # A namespace's own object is in that namespace (requestinfo.go).
        ("GET", "/api/v1/namespaces/default"): (
            f'namespaces "default" is forbidden: {user} get resource "namespaces" {ns} "default"',
            {"name": "default", "kind": "namespaces"},
        ),
        # Authorization comes before routing: an unknown kind is 403 to whom may not know.
        ("GET", "/apis/apps/v1/namespaces/default/nosuchthings"): (
            f'nosuchthings.apps is forbidden: {user} list resource "nosuchthings" in API group '
            '"apps" in the namespace "default"',
            {"group": "apps", "kind": "nosuchthings"},
        ),
        # Not a resource: NewForbidden with an empty GroupResource, and empty details.
        ("GET", "/metrics"): (f'forbidden: {user} get path "/metrics"', {}),
        ("POST", "/version"): (f'forbidden: {user} post path "/version"', {}),
    }
    with as_user(cluster, "viewer") as http:
        for (method, url), (message, details) in cases.items():
            answer = http.request(method, url, content=b"{}")
            assert answer.status_code == 403, (method, url, answer.text)
            assert answer.json() == forbidden_status(message, details), (method, url)
    with as_user(cluster, "demo-admin") as http:
        unknown = http.get("/apis/apps/v1/namespaces/default/nosuchthings")
        assert unknown.status_code == 404


def test_discovery_and_health_are_open_to_every_user(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    """system:discovery and system:public-info-viewer, bound to system:authenticated."""
    with as_user(cluster, "carol") as http:
        for path in ("/version", "/api", "/api/v1", "/apis", "/apis/apps/v1", "/openapi/v3"):
            assert http.get(path).status_code == 200, path
        assert http.get("/healthz").text == "ok"
    resources = kubectl("--context", "carol", "api-resources", "-o", "name")
    assert "deployments.apps" in resources.split()
    assert "rolebindings.rbac.authorization.k8s.io" in resources.split()


def test_official_client_gets_403_for_list_and_watch(cluster: DemoCluster) -> None:
    api = config.new_client_from_config(config_file=str(cluster.kubeconfig_path), context="viewer")
    try:
        core = client.CoreV1Api(api)
        names = {p.metadata.name for p in core.list_namespaced_pod("default").items}
        assert len(names) == 7
        with pytest.raises(ApiException) as listing:
            client.AppsV1Api(api).list_namespaced_deployment("default")
        assert listing.value.status == 403
        status = json.loads(listing.value.body)
        assert (status["reason"], status["details"]) == (
            "Forbidden",
            {"group": "apps", "kind": "deployments"},
        )
        assert 'cannot list resource "deployments"' in status["message"]
        stream = watch.Watch().stream(core.list_node, timeout_seconds=2)
        with pytest.raises(ApiException) as watching:
            next(stream)
        assert watching.value.status == 403
        message = json.loads(watching.value.body)["message"]
        assert 'User "viewer" cannot watch resource "nodes"' in message
    finally:
        api.close()


# -- bindings made at run time --------------------------------------------------------------


def test_a_rolebinding_made_with_kubectl_grants_at_once(kubectl: Kubectl) -> None:
    refused(kubectl, "--context", "viewer", "get", "deployments")
    kubectl("create", "rolebinding", "viewer-reads", "--clusterrole=view", "--user=viewer")
    listed = kubectl("--context", "viewer", "get", "deployments")
    assert "hostname-server" in listed
    # A RoleBinding grants in its own namespace only: listing across namespaces is refused.
    assert refused(kubectl, "--context", "viewer", "get", "deploy", "-A").endswith(
        'cannot list resource "deployments" in API group "apps" at the cluster scope'
    )
    assert "kube-system" in refused(
        kubectl, "--context", "viewer", "get", "deploy", "-n", "kube-system"
    )
    kubectl("delete", "rolebinding", "viewer-reads")
    assert refused(kubectl, "--context", "viewer", "get", "deployments").startswith(FORBIDDEN)


def test_a_binding_to_a_missing_role_says_so(kubectl: Kubectl) -> None:
    kubectl("create", "rolebinding", "broken", "--clusterrole=nope", "--user=viewer")
    assert refused(kubectl, "--context", "viewer", "get", "deployments") == (
        f'{FORBIDDEN}deployments.apps is forbidden: User "viewer" cannot list resource '
        '"deployments" in API group "apps" in the namespace "default": RBAC: '
        'clusterrole.rbac.authorization.k8s.io "nope" not found'
    )


def test_resource_names_limit_a_role_to_named_objects(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    first, second = running_pods(cluster, "pod-")[:2]
    kubectl(
        "create", "role", "one-pod", "--verb=get", "--resource=pods", f"--resource-name={first}"
    )
    kubectl("create", "rolebinding", "carol-one-pod", "--role=one-pod", "--user=carol")
    assert (
        kubectl("--context", "carol", "get", "pod", first, "-o", "name").strip() == f"pod/{first}"
    )
    assert refused(kubectl, "--context", "carol", "get", "pod", second) == (
        f'{FORBIDDEN}pods "{second}" is forbidden: User "carol" cannot get resource "pods" in '
        'API group "" in the namespace "default"'
    )
    assert "cannot list resource" in refused(kubectl, "--context", "carol", "get", "pods")


def test_view_and_edit_differ_on_the_scale_subresource(kubectl: Kubectl) -> None:
    assert kubectl("--context", "alice", "get", "deploy", "hostname-server", "-o", "name")
    assert refused(
        kubectl, "--context", "alice", "scale", "deploy", "hostname-server", "--replicas=3"
    ) == (
        f'{FORBIDDEN}deployments.apps "hostname-server" is forbidden: User "alice" cannot patch '
        'resource "deployments/scale" in API group "apps" in the namespace "default"'
    )
    scaled = kubectl("--context", "bob", "scale", "deploy", "hostname-server", "--replicas=3")
    assert scaled.strip() == "deployment.apps/hostname-server scaled"
    # edit may not touch RBAC (only admin aggregates system:aggregate-to-admin).
    assert 'cannot create resource "rolebindings"' in refused(
        kubectl,
        "--context",
        "bob",
        "create",
        "rolebinding",
        "x",
        "--clusterrole=view",
        "--user=bob",
    )


def test_a_role_labelled_aggregate_to_view_widens_view(kubectl: Kubectl) -> None:
    assert 'cannot list resource "nodes"' in refused(kubectl, "--context", "alice", "get", "nodes")
    kubectl(
        "apply",
        "-f",
        "-",
        stdin=yaml.safe_dump(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {
                    "name": "nodes-reader",
                    "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"},
                },
                "rules": [{"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list"]}],
            }
        ),
    )
    # The aggregation controller runs asynchronously, as on a real cluster.
    nodes = wait_for(
        lambda: kubectl.run("--context", "alice", "get", "nodes", check=False).stdout,
        message="alice may list nodes through view",
    )
    assert "worker1" in nodes


def test_system_masters_needs_no_binding(kubectl: Kubectl) -> None:
    """The privileged-group authorizer allows system:masters before RBAC is asked."""
    kubectl("delete", "clusterrolebinding", "cluster-admin")
    assert "worker1" in kubectl("get", "nodes")


# -- the kinds themselves -------------------------------------------------------------------


def test_rbac_kinds_print_as_kubectl_expects(kubectl: Kubectl) -> None:
    roles = kubectl("get", "clusterroles").splitlines()
    assert roles[0].split() == ["NAME", "CREATED", "AT"]
    assert {line.split()[0] for line in roles[1:]} >= {"cluster-admin", "admin", "edit", "view"}
    bindings = kubectl("get", "rolebindings", "-o", "wide").splitlines()
    assert bindings[0].split() == ["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]
    assert bindings[1].split()[:2] == ["viewer", "Role/viewer"]
    assert bindings[1].split()[3] == "viewer"
    crb = kubectl("get", "clusterrolebinding", "cluster-admin", "-o", "wide").splitlines()
    assert crb[1].split()[:2] == ["cluster-admin", "ClusterRole/cluster-admin"]
    assert "system:masters" in crb[1]
    described = kubectl("describe", "role", "viewer")
    assert "pods" in described and "[get list watch]" in described


def test_rbac_validation_as_the_real_server(kubectl: Kubectl) -> None:
    """pkg/apis/rbac/validation: rules need verbs, a roleRef never changes."""
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "no-verbs"},
        "rules": [{"apiGroups": [""], "resources": ["pods"]}],
    }
    # kubectl words a 422 itself: `The KIND "NAME" is invalid: CAUSES`.
    assert refused(kubectl, "apply", "-f", "-", stdin=yaml.safe_dump(role)) == (
        'The Role "no-verbs" is invalid: rules[0].verbs: Required value: '
        "verbs must contain at least one value"
    )
    changed = refused(
        kubectl,
        "patch",
        "rolebinding",
        "viewer",
        "--type=merge",
        "-p",
        '{"roleRef": {"kind": "ClusterRole", "name": "view"}}',
    )
    assert changed.endswith(
        '"viewer" is invalid: roleRef: Invalid value: '
        'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"view"}: '
        "cannot change roleRef"
    ), changed
    created = kubectl(
        "create",
        "clusterrolebinding",
        "sa",
        "--clusterrole=view",
        "--serviceaccount=default:app",
        "-o",
        "json",
    )
    subject = yaml.safe_load(created)["subjects"][0]
    # SetDefaults_Subject leaves a ServiceAccount in the core group.
    assert subject == {"kind": "ServiceAccount", "name": "app", "namespace": "default"}


# -- escalation -------------------------------------------------------------------------------


@pytest.fixture
def escalating(tmp_path: Path) -> Iterator[tuple[DemoCluster, Kubectl]]:
    """A cluster where `dana` is bound to admin cluster-wide: she may write roles and bindings."""
    with DemoCluster(replace(FAST, users=(DemoUser("dana", "admin"),))) as demo:
        yield demo, Kubectl(demo.kubeconfig_path, tmp_path / "kube-cache")


def _role(name: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"metadata": {"name": name}, "rules": rules}


def test_a_user_may_grant_only_what_it_holds(escalating: tuple[DemoCluster, Kubectl]) -> None:
    """policybased/storage.go and ConfirmNoEscalation: the refusal lists what is not held."""
    cluster, kubectl = escalating
    roles = "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles"
    with as_user(cluster, "dana") as http:
        held = http.post(
            roles,
            json=_role(
                "pod-reader", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]
            ),
        )
        assert held.status_code == 201, held.text
        everything = http.post(
            roles,
            json=_role(
                "all",
                [
                    {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                    {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list"]},
                ],
            ),
        )
    assert everything.status_code == 403
    assert everything.json() == forbidden_status(
        'roles.rbac.authorization.k8s.io "all" is forbidden: user "dana" '
        '(groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently '
        # Sorted as Go sorts strings: `[""]` before `["*"]`.
        'held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list"]}\n'
        '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}',
        {"name": "all", "group": "rbac.authorization.k8s.io", "kind": "roles"},
    )
    # Binding a role she holds in full is fine; cluster-admin is not hers to give.
    kubectl("--context", "dana", "create", "rolebinding", "v", "--clusterrole=view", "--user=x")
    bind_root = ("create", "rolebinding", "root", "--clusterrole=cluster-admin", "--user=dana")
    message = refused(kubectl, "--context", "dana", *bind_root)
    assert 'rolebindings.rbac.authorization.k8s.io "root" is forbidden: user "dana"' in message
    assert '{APIGroups:["*"], Resources:["*"], Verbs:["*"]}' in message
    assert '{NonResourceURLs:["*"], Verbs:["*"]}' in message
    # The `bind` verb on that very ClusterRole lets her bind it (escalation_check.go).
    kubectl(
        "create",
        "clusterrole",
        "bind-root",
        "--verb=bind",
        "--resource=clusterroles",
        "--resource-name=cluster-admin",
    )
    kubectl("create", "clusterrolebinding", "dana-binds", "--clusterrole=bind-root", "--user=dana")
    kubectl("--context", "dana", *bind_root)
    # Bound in default only: everything there (a Role granting all now passes the check)...
    everything = _role("all", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
    created = kubectl(
        "--context",
        "dana",
        "apply",
        "-f",
        "-",
        stdin=yaml.safe_dump(
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", **everything}
        ),
    )
    assert created.strip() == "role.rbac.authorization.k8s.io/all created"
    # ...and nothing more at the cluster scope.
    assert refused(kubectl, "--context", "dana", "get", "nodes").endswith(
        'cannot list resource "nodes" in API group "" at the cluster scope'
    )
