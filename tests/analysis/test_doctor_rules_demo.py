"""The doctor's rules about what surrounds a Service, on the live demo cluster: Ingresses in front
of it, hand-kept endpoints that no longer reach their pod, session affinity, a targetPort no
container declares, and a user who may not list Ingresses.

As in test_doctor_demo: manifests applied with the real kubectl, one namespace per check, facts
read back with kubectl, and each fix run as printed until its finding goes.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from k9lite.analysis.doctor import DOCTOR_KINDS, diagnose, ingress_findings
from k9lite.demo.cluster import DemoCluster
from k9lite.demo.rbac.users import DemoUser
from k9lite.kube.config import load_connection
from k9lite.kube.feed import watching
from k9lite.model.ingresses import Ingress
from k9lite.model.state import ClusterState
from tests.analysis.test_doctor_demo import (
    Settled,
    apply,
    checks,
    deployment,
    findings_of,
    listed,
    one,
    pods_json,
    run_fix,
    service,
    settled,
    with_service,
)
from tests.conftest import FAST, Kubectl, wait_for


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoCluster]:
    options = dataclasses.replace(FAST, scenarios=("empty",), load_balancer=False)
    with DemoCluster(options) as one_cluster:
        yield one_cluster


@pytest.fixture(scope="module")
def kubectl(demo: DemoCluster, tmp_path_factory: pytest.TempPathFactory) -> Kubectl:
    return Kubectl(demo.kubeconfig_path, tmp_path_factory.mktemp("kube-cache"))


def shop_ingress(backend: str, port: int, *, host: str = "shop.example.com") -> str:
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: shop}}
spec:
  rules:
  - host: {host}
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {{service: {{name: {backend}, port: {{number: {port}}}}}}}"""


def with_ingress(until: Settled, namespace: str, holds: Settled) -> Settled:
    """`until`, and Ingress `shop` listed as `holds` wants it (a patch seen)."""

    def check(state: ClusterState) -> bool:
        return (
            state.get("ingresses", namespace, "shop") is not None and holds(state) and until(state)
        )

    return check


def backend_of(state: ClusterState, namespace: str) -> tuple[str | None, int | str | None]:
    found: Ingress | None = state.get("ingresses", namespace, "shop")
    assert found is not None
    backend = found.rules[0].paths[0].backend
    return backend.service_name, backend.service_port


# -- Ingresses ------------------------------------------------------------------------------------


def test_an_ingress_to_the_target_port_and_its_patch_fixes_it(
    demo: DemoCluster, kubectl: Kubectl
) -> None:
    ns = "doc-ing-port"
    apply(kubectl, ns, deployment("web", 2), service("web", "{port: 8080, targetPort: 80}"))
    kubectl("apply", "-n", ns, "-f", "-", stdin=shop_ingress("web", 80))
    state = listed(demo, with_ingress(settled(ns, 2), ns, lambda s: True), "the Ingress")
    finding = one(state, ns, "web", "ingress-backend-port", "error")
    assert finding.title == "Ingress shop routes to port 80 of Service web, which has no such port"
    assert finding.evidence == (
        "ingress shop shop.example.com/ -> web:80",
        "Service web's ports: 8080",
        "80 is the Service's targetPort; the Ingress must name its port 8080",
    )
    pointer = "/spec/rules/0/http/paths/0/backend/service/port"
    patch = f'[{{"op":"replace","path":"{pointer}","value":{{"number":8080}}}}]'
    assert finding.fix == f"kubectl patch ingress shop -n {ns} --type=json -p '{patch}'"
    run_fix(kubectl, finding)
    path = "jsonpath={.spec.rules[0].http.paths[0].backend.service.port.number}"
    port = kubectl("get", "ingress", "shop", "-n", ns, "-o", path)
    assert port == "8080", port
    patched = with_ingress(settled(ns, 2), ns, lambda s: backend_of(s, ns) == ("web", 8080))
    assert findings_of(listed(demo, patched, "the patched Ingress"), ns, "web") == []


def test_ingress_routes_to_a_service_with_no_ready_endpoint(
    demo: DemoCluster, kubectl: Kubectl
) -> None:
    ns = "doc-ing-empty"
    apply(kubectl, ns, deployment("front", 2), service("front", selector="app: front-end"))
    kubectl("apply", "-n", ns, "-f", "-", stdin=shop_ingress("front", 80))
    state = listed(demo, with_ingress(settled(ns, 2), ns, lambda s: True), "the Ingress")
    findings = findings_of(state, ns, "front")
    assert checks(findings) == [
        ("no-matching-pods", "error"),
        ("ingress-backend-no-endpoints", "warning"),
    ]
    assert findings[1].evidence == ("ingress shop shop.example.com/ -> front:80",)
    # The selector's fix is the fix of both.
    run_fix(kubectl, findings[0])
    healed = with_service(settled(ns, 2), ns, "front", lambda svc: svc.selector == {"app": "front"})
    assert findings_of(listed(demo, healed, "the patched selector"), ns, "front") == []


def test_an_ingress_to_a_service_that_does_not_exist_and_its_patch_fixes_it(
    demo: DemoCluster, kubectl: Kubectl
) -> None:
    ns = "doc-ing-missing"
    apply(kubectl, ns, deployment("store", 2), service("store"))
    kubectl("apply", "-n", ns, "-f", "-", stdin=shop_ingress("store-svc", 80))
    state = listed(demo, with_ingress(settled(ns, 2), ns, lambda s: True), "the Ingress")
    ((name, finding),) = ingress_findings(state, ns)
    assert (name, finding.check, finding.severity) == ("shop", "ingress-backend-missing", "error")
    assert finding.title == (
        f"Ingress shop routes to Service store-svc, which does not exist in namespace {ns}"
    )
    names = kubectl("get", "services", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}")
    assert names.split() == ["store"], names
    assert finding.evidence == (
        "ingress shop shop.example.com/ -> store-svc:80",
        f"Services in namespace {ns}: store",
        "the one near name: store",
    )
    run_fix(kubectl, finding)
    renamed = with_ingress(settled(ns, 2), ns, lambda s: backend_of(s, ns) == ("store", 80))
    state = listed(demo, renamed, "the Ingress pointed at store")
    assert ingress_findings(state, ns) == []
    assert findings_of(state, ns, "store") == []


# -- no-selector-stale ----------------------------------------------------------------------------


def test_a_hand_kept_endpoint_at_a_pods_old_address_and_its_patch_fixes_it(
    demo: DemoCluster, kubectl: Kubectl
) -> None:
    ns = "doc-stale"
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: db-0, labels: {app: db}}\n"
    pod += "spec: {containers: [{name: db, image: postgres, ports: [{containerPort: 5432}]}]}"
    apply(kubectl, ns, pod, service("db", "{port: 5432}", selector=""))
    listed(demo, settled(ns, 1), "db-0 ready")
    (raw,) = pods_json(kubectl, ns)
    ip = raw["status"]["podIP"]
    # The slice still says where db-0 ran before it was recreated, and keeps one address outside.
    old = "127.244.99.7"
    assert ip != old
    hand_made = f"""apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {{name: db-1, labels: {{kubernetes.io/service-name: db}}}}
addressType: IPv4
ports: [{{name: "", port: 5432, protocol: TCP}}]
endpoints:
- addresses: [{old}]
  conditions: {{ready: true}}
  targetRef: {{kind: Pod, name: db-0, namespace: {ns}}}
- {{addresses: [127.0.3.20], conditions: {{ready: true}}}}"""
    kubectl("apply", "-n", ns, "-f", "-", stdin=hand_made)

    def sliced(state: ClusterState) -> bool:
        svc = state.get("services", ns, "db")
        return svc is not None and len(state.endpoint_slices_of(svc)) == 1 and settled(ns, 1)(state)

    findings = findings_of(listed(demo, sliced, "the hand-made EndpointSlice"), ns, "db")
    assert checks(findings) == [("no-selector-stale", "error"), ("no-selector-manual", "info")]
    stale, manual = findings
    assert stale.title == (
        "no selector: 1 of 2 hand-kept endpoints point at pods that moved or are gone"
    )
    assert stale.evidence == (f"{old} -> pod db-0: the pod's IP is now {ip}",)
    assert manual.evidence[-1] == "127.0.3.20: not a pod's address (outside the cluster?)"
    patch = f'[{{"op":"replace","path":"/endpoints/0/addresses/0","value":"{ip}"}}]'
    assert stale.fix == f"kubectl patch endpointslice db-1 -n {ns} --type=json -p '{patch}'"
    run_fix(kubectl, stale)

    def readdressed(state: ClusterState) -> bool:
        found = state.get("endpointslices", ns, "db-1")
        return found is not None and found.endpoints[0].addresses == (ip,) and sliced(state)

    state = listed(demo, readdressed, "the slice at db-0's address")
    assert checks(findings_of(state, ns, "db")) == [("no-selector-manual", "info")]


# -- session-affinity, numeric-port-unverified ----------------------------------------------------


def test_client_ip_affinity_and_its_patch_turns_it_off(demo: DemoCluster, kubectl: Kubectl) -> None:
    ns = "doc-affinity"
    apply(kubectl, ns, deployment("sticky", 2), service("sticky", more="sessionAffinity: ClientIP"))
    state = listed(demo, settled(ns, 2), f"2 ready pods in {ns}")
    path = "jsonpath={.spec.sessionAffinityConfig.clientIP.timeoutSeconds}"
    timeout = kubectl("get", "service", "sticky", "-n", ns, "-o", path)
    assert timeout == "10800", "the API server's default"
    finding = one(state, ns, "sticky", "session-affinity", "info")
    assert finding.title == (
        "sessionAffinity ClientIP: each client IP sticks to one pod (timeout 10800 s)"
    )
    assert (
        finding.evidence[0] == "sessionAffinityConfig.clientIP.timeoutSeconds: 10800 (the default)"
    )
    assert finding.fix == (
        f'kubectl patch service sticky -n {ns} -p \'{{"spec":{{"sessionAffinity":"None"}}}}\''
    )
    run_fix(kubectl, finding)
    raw = json.loads(kubectl("get", "service", "sticky", "-n", ns, "-o", "json"))
    assert raw["spec"]["sessionAffinity"] == "None"
    assert "sessionAffinityConfig" not in raw["spec"], "defaulting drops it with None"
    off = with_service(settled(ns, 2), ns, "sticky", lambda s: s.session_affinity == "None")
    assert findings_of(listed(demo, off, "sessionAffinity None"), ns, "sticky") == []


def test_a_target_port_no_container_declares_is_unverified(
    demo: DemoCluster, kubectl: Kubectl
) -> None:
    ns = "doc-unverified"
    apply(
        kubectl,
        ns,
        deployment("bare", 2, container=""),
        service("bare", "{port: 80, targetPort: 4000}"),
    )
    state = listed(demo, settled(ns, 2), f"2 ready pods in {ns}")
    declared = [c.get("ports") for pod in pods_json(kubectl, ns) for c in pod["spec"]["containers"]]
    assert declared == [None, None], declared
    finding = one(state, ns, "bare", "numeric-port-unverified", "info")
    assert finding.title == (
        "port 80 -> targetPort 4000: the pods declare no containerPort; "
        "nothing confirms a container listens on 4000"
    )
    assert finding.fix is None


# -- a user who may not list Ingresses ------------------------------------------------------------

NO_INGRESSES = """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: doctor-but-ingresses, namespace: default}
rules:
- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [get, list, watch]}
- {apiGroups: [apps], resources: [deployments, replicasets], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: doctor-but-ingresses, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: doctor-but-ingresses}
subjects: [{kind: User, name: viewer}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: doctor-nodes}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: doctor-nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: doctor-nodes}
subjects: [{kind: User, name: viewer}]"""


def test_a_user_who_may_not_list_ingresses_is_told_what_was_not_checked(tmp_path: Path) -> None:
    # Its own cluster: the `viewer` account (pods and services in default), granted by the admin
    # every other kind the doctor reads.
    options = dataclasses.replace(FAST, scenarios=("empty",), users=(DemoUser("viewer", "viewer"),))
    with DemoCluster(options) as guarded:
        admin = Kubectl(guarded.kubeconfig_path, tmp_path / "kube-cache")
        manifests = (deployment("web", 2), service("web"), NO_INGRESSES)
        admin("apply", "-n", "default", "-f", "-", stdin="\n---\n".join(manifests))
        denied = admin.run("--context", "viewer", "get", "ingresses", "-n", "default", check=False)
        assert denied.returncode != 0 and "forbidden" in denied.stderr, denied.stderr
        connection = load_connection(str(guarded.kubeconfig_path), "viewer")

        def attempt() -> ClusterState | None:
            with watching(connection, DOCTOR_KINDS, "default", timeout=10) as (feed, statuses):
                pass
            states = {kind: statuses[kind].state for kind in DOCTOR_KINDS if kind in statuses}
            wanted = {kind: "forbidden" if kind == "ingresses" else "live" for kind in DOCTOR_KINDS}
            return feed.state if states == wanted and settled("default", 2)(feed.state) else None

        state = wait_for(attempt, timeout=20, message="everything but ingresses live, 2 pods")
    svc = state.get("services", "default", "web")
    assert svc is not None
    (blind,) = diagnose(state, svc)
    assert (blind.check, blind.severity) == ("could-not-check", "unknown")
    assert blind.title == "could not check what needs ingresses: the user may not list them"
    (reason,) = blind.evidence
    assert 'cannot list resource "ingresses"' in reason, reason
    assert ingress_findings(state, "default") == []
