"""diagnose on the live demo cluster: every check, from manifests applied with the real kubectl.

One cluster (W6, no load-balancer controller) holds every check, each in its own namespace; the
state is what `watching` lists for all namespaces once that namespace has settled, and the
facts asserted (pod names, nodes, NodePorts) are read back with kubectl, never assumed. Where a
finding has a fix, the fix is run as printed and the finding has to go.

Demo limits: its kubelet starts every pod and marks it Ready (no image pull errors, readiness
probes or restarts), so pods-not-ready is shown with what it models: a pod no node can take
(Pending, Unschedulable) and a pod being deleted (Terminating, on a cluster whose kubelets stop
pods slowly).
"""

from __future__ import annotations

import dataclasses
import json
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from k9lite.analysis.doctor import DOCTOR_KINDS, Finding, diagnose
from k9lite.demo.cluster import DemoCluster
from k9lite.kube.config import load_connection
from k9lite.kube.feed import watching
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from tests.conftest import FAST, Kubectl, endpoints_caught_up, serving, wait_for

Settled = Callable[[ClusterState], bool]


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoCluster]:
    with DemoCluster(dataclasses.replace(FAST, scenarios=("w6",), load_balancer=False)) as one:
        yield one


@pytest.fixture(scope="module")
def kubectl(demo: DemoCluster, tmp_path_factory: pytest.TempPathFactory) -> Kubectl:
    return Kubectl(demo.kubeconfig_path, tmp_path_factory.mktemp("kube-cache"))


# -- applying, waiting, diagnosing --------------------------------------------------------------


def apply(kubectl: Kubectl, namespace: str, *manifests: str) -> None:
    kubectl("create", "namespace", namespace)
    kubectl("apply", "-n", namespace, "-f", "-", stdin="\n---\n".join(manifests))


def deployment(
    name: str,
    replicas: int,
    *,
    labels: str = "",
    container: str = "ports: [{containerPort: 80}]",
    pod_spec: str = "",
) -> str:
    """A Deployment whose pods carry app=`name` (and `labels`); `container` and `pod_spec` add
    YAML flow pairs to its container (by default the port 80 it listens on: "" for none) and to
    its pod spec."""
    pod_labels = f"{{app: {name}{', ' + labels if labels else ''}}}"
    more = f", {pod_spec}" if pod_spec else ""
    container = f"{{name: web, image: nginx{', ' + container if container else ''}}}"
    return f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, labels: {{app: {name}}}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {pod_labels}}}
  template: {{metadata: {{labels: {pod_labels}}}, spec: {{containers: [{container}]{more}}}}}"""


def service(
    name: str, ports: str = "{port: 80}", *, selector: str | None = None, more: str = ""
) -> str:
    """A Service selecting app=`name` unless `selector` says otherwise ("" for none)."""
    chosen = f"app: {name}" if selector is None else selector
    spec = f"ports: [{ports}]" + (f", selector: {{{chosen}}}" if chosen else "")
    spec += f", {more}" if more else ""
    return f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{{spec}}}"


def settled(namespace: str, pods: int) -> Settled:
    """`pods` pods in `namespace`, all ready and none leaving, every Service's endpoints caught
    up, and every Deployment's spec reached."""

    def check(state: ClusterState) -> bool:
        found = state.objects("pods", namespace)
        return (
            len(found) == pods
            and all(serving(pod) for pod in found)
            and all(endpoints_caught_up(state, svc) for svc in state.objects("services", namespace))
            and all(d.ready_replicas == d.replicas for d in state.objects("deployments", namespace))
        )

    return check


def listed(demo: DemoCluster, until: Settled, what: str) -> ClusterState:
    """The state `watching` lists for all namespaces, once `until` holds of it."""
    connection = load_connection(str(demo.kubeconfig_path))

    def attempt() -> ClusterState | None:
        with watching(connection, DOCTOR_KINDS, None, timeout=10) as (feed, statuses):
            pass
        if any(kind not in statuses or statuses[kind].state != "live" for kind in DOCTOR_KINDS):
            return None
        return feed.state if until(feed.state) else None

    return wait_for(attempt, timeout=20, message=what)


def with_service(
    until: Settled, namespace: str, name: str, holds: Callable[[Service], bool]
) -> Settled:
    """`until`, and the Service `namespace/name` listed as `holds` wants it (a patch seen)."""

    def check(state: ClusterState) -> bool:
        svc = state.get("services", namespace, name)
        return svc is not None and holds(svc) and until(state)

    return check


def findings_of(state: ClusterState, namespace: str, name: str) -> list[Finding]:
    svc = state.get("services", namespace, name)
    assert svc is not None, f"no Service {namespace}/{name} in the listed state"
    return list(diagnose(state, svc))


def one(state: ClusterState, namespace: str, name: str, check: str, severity: str) -> Finding:
    """The Service's only finding, which must be `check` with `severity`."""
    findings = findings_of(state, namespace, name)
    assert checks(findings) == [(check, severity)], findings
    return findings[0]


def checks(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(finding.check, finding.severity) for finding in findings]


def run_fix(kubectl: Kubectl, finding: Finding) -> None:
    """Run the finding's fix as printed, through the shell's word splitting."""
    assert finding.fix is not None, f"{finding.check} has no fix"
    argv = shlex.split(finding.fix)
    assert argv[0] == "kubectl", finding.fix
    kubectl(*argv[1:])


def pods_json(kubectl: Kubectl, namespace: str) -> list[dict[str, Any]]:
    return cast(
        list[dict[str, Any]],
        json.loads(kubectl("get", "pods", "-n", namespace, "-o", "json"))["items"],
    )


def pod_names(kubectl: Kubectl, namespace: str) -> list[str]:
    return sorted(pod["metadata"]["name"] for pod in pods_json(kubectl, namespace))


# -- 1-4: where the selector points --------------------------------------------------------------


def test_no_matching_pods_names_the_near_labels_and_its_patch_fixes_it(
    demo: DemoCluster, kubectl: Kubectl
) -> None:
    ns = "doc-typo"
    apply(kubectl, ns, deployment("web", 2), service("web", selector="app: web-server"))
    state = listed(demo, settled(ns, 2), f"2 ready pods in {ns}")
    finding = one(state, ns, "web", "no-matching-pods", "error")
    assert finding.title == f"the selector app=web-server matches no pod in namespace {ns}"
    assert "Deployment web's pod template: app=web (wanted app=web-server)" in finding.evidence
    # One pod stands for its siblings: they carry the same labels.
    shown = [f"pod {pod}: app=web (wanted app=web-server)" for pod in pod_names(kubectl, ns)]
    assert len(set(shown) & set(finding.evidence)) == 1, finding.evidence
    fix = f"kubectl patch service web -n {ns} -p "
    assert finding.fix == fix + """'{"spec":{"selector":{"app":"web"}}}'"""
    run_fix(kubectl, finding)
    patched = with_service(settled(ns, 2), ns, "web", lambda svc: svc.selector == {"app": "web"})
    assert findings_of(listed(demo, patched, "the patched selector"), ns, "web") == []


def test_w6_selects_the_deployments_own_label_not_its_pods(
    demo: DemoCluster, kubectl: Kubectl
) -> None:
    state = listed(demo, settled("default", 3), "W6's 3 ready pods")
    finding = one(state, "default", "my-service", "selects-workload-labels", "error")
    # Both labels named: the Deployment's own, and its pods'.
    assert finding.title == (
        "the selector app=my-app-2 matches Deployment my-deployment's own labels, not its pods'"
    )
    assert finding.evidence[:2] == (
        "app=my-app-2 on Deployment my-deployment (its own metadata labels)",
        "app=my-app on its pods (spec.template.metadata.labels)",
    )
    pods = pod_names(kubectl, "default")
    assert len(pods) == 3 and all(name.startswith("my-deployment-") for name in pods), pods
    assert set(finding.evidence[2:]) == {f"pod {name}: app=my-app" for name in pods}
    fix = "kubectl patch service my-service -n default -p "
    assert finding.fix == fix + """'{"spec":{"selector":{"app":"my-app"}}}'"""
    side_by_side = [(c.kind, c.name, c.own, c.found_text) for c in finding.candidates[:2]]
    assert side_by_side == [
        ("Deployment", "my-deployment", True, "app=my-app-2"),
        ("Deployment", "my-deployment", False, "app=my-app"),
    ]


def test_pods_in_another_namespace_are_named_with_it(demo: DemoCluster, kubectl: Kubectl) -> None:
    here, there = "doc-away-svc", "doc-away-pods"
    apply(kubectl, here, service("away"))
    apply(kubectl, there, deployment("away", 2))
    both = listed(demo, lambda s: settled(here, 0)(s) and settled(there, 2)(s), "2 ready pods")
    finding = one(both, here, "away", "pods-in-other-namespace", "error")
    assert finding.title == f"the pods matching app=away run in namespace {there}, not in {here}"
    assert finding.evidence == (f"namespace {there}: {', '.join(pod_names(kubectl, there))}",)


def test_scaled_to_zero_and_its_scale_fixes_it(demo: DemoCluster, kubectl: Kubectl) -> None:
    ns = "doc-zero"
    apply(kubectl, ns, deployment("api", 2), service("api"))
    listed(demo, settled(ns, 2), f"2 ready pods in {ns}")
    kubectl("scale", "deployment", "api", "-n", ns, "--replicas=0")
    state = listed(demo, settled(ns, 0), f"no pod left in {ns}")
    finding = one(state, ns, "api", "scaled-to-zero", "error")
    assert finding.title == "Deployment api, whose pods the selector matches, is scaled to zero"
    assert finding.evidence == ("Deployment api: replicas 0, pod template app=api",)
    assert finding.fix == f"kubectl scale deployment api -n {ns} --replicas=1"
    run_fix(kubectl, finding)
    state = listed(demo, settled(ns, 1), f"1 ready pod in {ns} again")
    # Serving again, on one pod: only the warning that it has no spare.
    assert checks(findings_of(state, ns, "api")) == [("single-endpoint", "warning")]


# -- 5. pods-not-ready: Pending (unschedulable) and Terminating ---------------------------------


def test_unschedulable_pods_are_not_ready_with_the_schedulers_reason(
    demo: DemoCluster, kubectl: Kubectl
) -> None:
    ns = "doc-pending"
    nowhere = "nodeSelector: {disktype: ssd}"  # no demo node has it
    apply(
        kubectl,
        ns,
        deployment("ok", 2, labels="tier: mixed"),
        deployment("stuck", 1, labels="tier: mixed", pod_spec=nowhere),
        service("stuck"),
        service("mixed", selector="tier: mixed"),
    )

    def stuck(state: ClusterState) -> bool:
        pods = state.objects("pods", ns)
        scheduled = [p.condition("PodScheduled") for p in pods if p.phase == "Pending"]
        return (
            len(pods) == 3
            and sum(serving(p) for p in pods) == 2
            and [c.status if c else None for c in scheduled] == ["False"]
            and all(endpoints_caught_up(state, svc) for svc in state.objects("services", ns))
        )

    state = listed(demo, stuck, "2 ready pods and 1 unschedulable")
    (pending,) = [p for p in pods_json(kubectl, ns) if p["status"].get("phase") == "Pending"]
    name = pending["metadata"]["name"]
    (scheduled,) = [c for c in pending["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert scheduled["reason"] == "Unschedulable", scheduled
    assert "didn't match Pod's node affinity/selector" in scheduled["message"], scheduled
    why = f"pod {name}: Pending, not scheduled (Unschedulable: {scheduled['message']})"

    finding = one(state, ns, "stuck", "pods-not-ready", "error")
    assert finding.title == "the only pod the selector matches is not ready"
    assert finding.evidence == (why,)
    assert finding.fix == f"kubectl describe pod {name} -n {ns}"
    # Beside two ready pods the same pod is a warning: the Service still serves.
    finding = one(state, ns, "mixed", "pods-not-ready", "warning")
    assert finding.title == "1 of 3 pods the selector matches are not ready"
    assert finding.evidence == (why,)


def test_a_terminating_pod_is_no_endpoint(tmp_path: Path) -> None:
    # Its own cluster: kubelets that take a minute to stop a pod, so it stays Terminating.
    options = dataclasses.replace(FAST, scenarios=("empty",), pod_stop_delay=60.0)
    with DemoCluster(options) as slow:
        kubectl = Kubectl(slow.kubeconfig_path, tmp_path / "kube-cache")
        ns = "doc-terminating"
        pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: term, labels: {app: term}}\n"
        pod += "spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]}"
        apply(kubectl, ns, pod, service("term"))
        listed(slow, settled(ns, 1), "the pod ready")
        kubectl("delete", "pod", "term", "-n", ns, "--wait=false")

        def leaving(state: ClusterState) -> bool:
            pod = state.get("pods", ns, "term")
            svc = state.get("services", ns, "term")
            ends = [e for s in state.endpoint_slices_of(svc) for e in s.endpoints] if svc else []
            return (
                pod is not None
                and pod.meta.deletion_timestamp is not None
                and [(e.ready, e.terminating) for e in ends] == [(False, True)]
            )

        state = listed(slow, leaving, "the pod Terminating, its endpoint no longer ready")
        deleted = json.loads(kubectl("get", "pod", "term", "-n", ns, "-o", "json"))
        assert deleted["metadata"].get("deletionTimestamp"), "kubectl sees no deletionTimestamp"
        finding = one(state, ns, "term", "pods-not-ready", "error")
    assert finding.title == "the only pod the selector matches is not ready"
    assert finding.evidence == ("pod term: Terminating: it gets no new connections",)
    assert finding.fix == f"kubectl describe pod term -n {ns}"


# -- 6. targetPorts the pods do not declare ----------------------------------------------------


PortCase = tuple[str, str, "str | int", str, str, tuple[str, ...], "str | int"]
PORT_CASES: list[PortCase] = [
    ("named", "{name: web, containerPort: 8080}", "http", "error",
     "port 80: targetPort http names no containerPort of the selected pods",
     ("pods {pods}: declares web (8080/TCP)",), "web"),
    ("numeric", "{containerPort: 8080}", 80, "warning",
     "port 80: targetPort 80 is not a containerPort the selected pods declare",
     ("the pods declare 8080/TCP", "the Service sends TCP to port 80"), 8080),
]  # fmt: skip


@pytest.mark.parametrize("case", PORT_CASES, ids=[case[0] for case in PORT_CASES])
def test_a_target_port_the_pods_do_not_declare_and_its_patch_fixes_it(
    demo: DemoCluster, kubectl: Kubectl, case: PortCase
) -> None:
    name, declared, target, severity, title, evidence, value = case
    ns = f"doc-{name}-port"
    ports = f"{{port: 80, targetPort: {target}}}"
    apply(kubectl, ns, deployment(name, 2, container=f"ports: [{declared}]"), service(name, ports))
    state = listed(demo, settled(ns, 2), f"2 ready pods in {ns}")
    finding = one(state, ns, name, f"{name}-port-undeclared", severity)
    assert finding.title == title
    pods = ", ".join(pod_names(kubectl, ns))
    assert finding.evidence == tuple(line.format(pods=pods) for line in evidence)
    patch = '[{"op":"replace","path":"/spec/ports/0/targetPort","value":' + json.dumps(value) + "}]"
    assert finding.fix == f"kubectl patch service {name} -n {ns} --type=json -p '{patch}'"
    run_fix(kubectl, finding)
    retargeted = with_service(settled(ns, 2), ns, name, lambda s: s.ports[0].target_port == value)
    assert findings_of(listed(demo, retargeted, f"targetPort {value}"), ns, name) == []


# -- 7-8. no selector, ExternalName ---------------------------------------------------------------


def test_without_selector_a_hand_made_slice_or_nothing(demo: DemoCluster, kubectl: Kubectl) -> None:
    ns = "doc-no-selector"
    hand_made = """apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: external-db-1, labels: {kubernetes.io/service-name: external-db}}
addressType: IPv4
ports: [{name: "", port: 5432, protocol: TCP}]
endpoints: [{addresses: [127.0.3.10], conditions: {ready: true}}]"""
    db = service("external-db", "{port: 5432}", selector="")
    apply(kubectl, ns, db, hand_made, service("orphan", selector=""))

    def sliced(state: ClusterState) -> bool:
        svc = state.get("services", ns, "external-db")
        orphan = state.get("services", ns, "orphan")
        return svc is not None and orphan is not None and len(state.endpoint_slices_of(svc)) == 1

    state = listed(demo, sliced, "both Services and the hand-made EndpointSlice")
    finding = one(state, ns, "external-db", "no-selector-manual", "info")
    assert finding.title == "no selector: its endpoints are kept by hand"
    assert finding.evidence == (
        "EndpointSlice external-db-1: 127.0.3.10 (1 ready)",
        "127.0.3.10: not a pod's address (outside the cluster?)",
    )
    finding = one(state, ns, "orphan", "no-selector-no-endpoints", "error")
    assert finding.title == "no selector and no endpoints: connections to it are refused"
    assert finding.evidence == ("no EndpointSlice is labelled kubernetes.io/service-name=orphan",)


def test_external_name_is_a_dns_alias(demo: DemoCluster, kubectl: Kubectl) -> None:
    ns = "doc-external"
    alias = "type: ExternalName, externalName: db.example.com"
    apply(kubectl, ns, service("alias", selector="", more=alias))
    state = listed(demo, lambda s: bool(s.get("services", ns, "alias")), "the ExternalName")
    finding = one(state, ns, "alias", "external-name", "info")
    assert finding.title == "ExternalName: a DNS alias for db.example.com, no endpoints by design"
    assert finding.evidence == (f"alias.{ns}.svc.cluster.local -> CNAME db.example.com",)


# -- 9-11. traffic policy, load balancer, redundancy ---------------------------------------------


def node_ips(kubectl: Kubectl) -> dict[str, str]:
    """Each node's InternalIP (the demo's nodes have one address of that type)."""
    address = '{.status.addresses[?(@.type=="InternalIP")].address}'
    path = f"{{range .items[*]}}{{.metadata.name}}={address} {{end}}"
    return dict(
        pair.split("=") for pair in kubectl("get", "nodes", "-o", f"jsonpath={path}").split()
    )


def node_port(kubectl: Kubectl, namespace: str, name: str) -> int:
    path = "jsonpath={.spec.ports[0].nodePort}"
    return int(kubectl("get", "service", name, "-n", namespace, "-o", path))


def test_local_policy_with_one_pod_on_three_nodes_drops_on_two(
    demo: DemoCluster, kubectl: Kubectl
) -> None:
    ns = "doc-local"
    local = "type: NodePort, externalTrafficPolicy: Local"
    apply(kubectl, ns, deployment("local", 1), service("local", more=local))
    state = listed(demo, settled(ns, 1), f"1 ready pod in {ns}")
    (pod,) = pods_json(kubectl, ns)
    home, nodes, port = pod["spec"]["nodeName"], node_ips(kubectl), node_port(kubectl, ns, "local")
    assert len(nodes) == 3 and home in nodes, (home, nodes)
    findings = findings_of(state, ns, "local")
    assert checks(findings) == [("local-policy-drops", "warning"), ("single-endpoint", "warning")]
    drops = findings[0]
    assert drops.title == (
        "externalTrafficPolicy Local: 2 of 3 nodes have no ready endpoint and drop external traffic"
    )
    assert drops.evidence == tuple(
        f"node {name} ({ip}:{port}): no ready endpoint on it, drops the traffic"
        for name, ip in sorted(nodes.items())
        if name != home
    )
    fix = f"kubectl patch service local -n {ns} -p "
    assert drops.fix == fix + """'{"spec":{"externalTrafficPolicy":"Cluster"}}'"""
    run_fix(kubectl, drops)
    policy = with_service(
        settled(ns, 1), ns, "local", lambda svc: svc.external_traffic_policy == "Cluster"
    )
    fixed = listed(demo, policy, "externalTrafficPolicy Cluster")
    assert checks(findings_of(fixed, ns, "local")) == [("single-endpoint", "warning")]


def test_load_balancer_without_a_controller_is_pending(demo: DemoCluster, kubectl: Kubectl) -> None:
    ns = "doc-lb"
    ports = "ports: [{containerPort: 8080}]"
    balanced = service("lb", "{port: 9000, targetPort: 8080}", more="type: LoadBalancer")
    apply(kubectl, ns, deployment("lb", 2, container=ports), balanced)
    state = listed(demo, settled(ns, 2), f"2 ready pods in {ns}")
    raw = json.loads(kubectl("get", "service", "lb", "-n", ns, "-o", "json"))
    assert not raw.get("status", {}).get("loadBalancer"), "an address with no controller"
    finding = one(state, ns, "lb", "lb-pending", "warning")
    assert finding.title == (
        "LoadBalancer <pending>: no load-balancer controller has given it an address"
    )
    assert finding.evidence == (
        "EXTERNAL-IP <pending>",
        "outside a cloud, install a load-balancer controller (e.g. MetalLB)",
        f"meanwhile it answers on every node's NodePort {node_port(kubectl, ns, 'lb')}",
    )


def test_a_single_ready_endpoint_and_its_scale_fixes_it(
    demo: DemoCluster, kubectl: Kubectl
) -> None:
    ns = "doc-single"
    apply(kubectl, ns, deployment("solo", 1), service("solo"))
    state = listed(demo, settled(ns, 1), f"1 ready pod in {ns}")
    (pod,) = pods_json(kubectl, ns)
    name, ip, node = pod["metadata"]["name"], pod["status"]["podIP"], pod["spec"]["nodeName"]
    finding = one(state, ns, "solo", "single-endpoint", "warning")
    assert finding.title == f"only one ready endpoint ({name}): no redundancy"
    assert finding.evidence == (
        f"the one ready endpoint: pod {name} ({ip}) on node {node}",
        "its pods come from Deployment solo",
    )
    assert finding.fix == f"kubectl scale deployment solo -n {ns} --replicas=2"
    run_fix(kubectl, finding)
    state = listed(demo, settled(ns, 2), f"2 ready pods in {ns}")
    assert findings_of(state, ns, "solo") == []
