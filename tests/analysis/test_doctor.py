"""diagnose: one focused test per check, on raw objects fed through ClusterState, and the demo's
default scenario (W2, W3, W5, W6) with exactly one error: W6's selector."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from k9lite.analysis.doctor import Finding, diagnose, worst
from k9lite.model.state import ClusterState
from tests.analysis.builders import node_port, nodes, state_of, w2
from tests.model.manifests import (
    conditions,
    deployment,
    endpoint,
    endpoint_slice,
    metadata,
    replica_set,
    running_pod,
    service,
)
from tests.ui.cluster_fixture import raw_objects

WEB = {"app": "web"}
CONTAINER = {"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]}


# -- helpers ------------------------------------------------------------------------------------


def doctor(state: ClusterState, name: str = "web", namespace: str = "default") -> list[Finding]:
    found = state.get("services", namespace, name)
    assert found is not None, f"no service {namespace}/{name}"
    return list(diagnose(state, found))


def only(findings: list[Finding], check: str) -> Finding:
    (found,) = [finding for finding in findings if finding.check == check]
    return found


def serious(findings: list[Finding]) -> list[tuple[str, str]]:
    """(check, severity) of the errors and warnings."""
    return [(f.check, f.severity) for f in findings if f.severity != "info"]


def has_line(finding: Finding, *parts: str) -> bool:
    return any(all(part in line for part in parts) for line in finding.evidence)


def owned_pod(
    name: str,
    workload: str,
    labels: dict[str, str],
    *,
    namespace: str = "default",
    node: str = "worker1",
    ip: str = "192.168.235.140",
) -> dict[str, Any]:
    """A pod of `workload`'s ReplicaSet `<workload>-5d8f9c`."""
    rs = f"{workload}-5d8f9c"
    owner = ("ReplicaSet", rs, f"uid-{namespace}-{rs}")
    return running_pod(name, namespace, labels=labels, node=node, ip=ip, owner=owner)


def workload(
    name: str,
    *,
    labels: dict[str, str],
    pod_labels: dict[str, str],
    replicas: int,
    namespace: str = "default",
    container: dict[str, Any] = CONTAINER,
) -> dict[str, list[dict[str, Any]]]:
    """A Deployment and the ReplicaSet it owns, as raw objects by kind."""
    owner = ("Deployment", name, f"uid-{namespace}-{name}")
    return {
        "deployments": [
            deployment(
                name,
                namespace,
                labels=labels,
                pod_labels=pod_labels,
                replicas=replicas,
                container=container,
            )
        ],
        "replicasets": [
            replica_set(
                f"{name}-5d8f9c", namespace, pod_labels=pod_labels, replicas=replicas, owner=owner
            )
        ],
    }


def slice_of(
    service_name: str, pods: list[dict[str, Any]], namespace: str = "default"
) -> dict[str, Any]:
    """The EndpointSlice controller's slice for `pods`: ready iff Ready and not terminating."""
    endpoints = []
    for pod in pods:
        ready = any(
            c["type"] == "Ready" and c["status"] == "True"
            for c in pod["status"].get("conditions", [])
        )
        terminating = "deletionTimestamp" in pod["metadata"]
        found = endpoint(
            pod["status"].get("podIP", "192.168.0.9"),
            pod["metadata"]["name"],
            node=pod["spec"].get("nodeName", ""),
            namespace=namespace,
            ready=ready and not terminating,
            serving=ready,
            terminating=terminating,
        )
        endpoints.append(found)
    return endpoint_slice(f"{service_name}-x7k2p", service_name, namespace, endpoints=endpoints)


def web_state(
    pods: list[dict[str, Any]],
    *,
    selector: dict[str, str] | None = None,
    spec: dict[str, Any] | None = None,
    status: dict[str, Any] | None = None,
    **more: list[dict[str, Any]],
) -> ClusterState:
    """Service `web` (selector app=web unless given) over `pods`, with its slice and the nodes."""
    own = [p for p in pods if p["metadata"].get("namespace", "default") == "default"]
    selected = [p for p in own if (selector or WEB).items() <= p["metadata"]["labels"].items()]
    kinds: dict[str, list[dict[str, Any]]] = {
        "services": [service("web", selector=selector or WEB, spec=spec, status=status)],
        "pods": pods,
        "endpointslices": [slice_of("web", selected)],
        "nodes": nodes(),
        "deployments": [],
        "replicasets": [],
    }
    return state_of(**{**kinds, **more})


def pod_with_status(name: str, status: dict[str, Any], **meta: Any) -> dict[str, Any]:
    """A pod of one container `web` (the name unready_statuses reports) with `status`."""
    raw = running_pod(name, labels=WEB)
    raw["spec"]["containers"][0]["name"] = "web"
    raw["status"] = {"phase": "Running", "podIP": "192.168.0.7", **status}
    raw["metadata"].update(meta)
    return raw


def unready_statuses(**state: Any) -> dict[str, Any]:
    return {
        "conditions": conditions(
            PodScheduled=True, Initialized=True, Ready=False, ContainersReady=False
        ),
        "containerStatuses": [
            {"name": "web", "image": "nginx", "ready": False, "restartCount": 0, **state}
        ],
    }


# -- a healthy Service --------------------------------------------------------------------------


def test_a_healthy_service_has_no_findings() -> None:
    assert doctor(w2(), "clusterip-hostname-service") == []
    assert doctor(w2("np", spec=node_port()), "np") == []


def test_the_default_demo_has_one_error_my_services_selector() -> None:
    state = state_of(**raw_objects())
    by_service = {svc.meta.name: list(diagnose(state, svc)) for svc in state.objects("services")}
    assert set(by_service) == {
        "clusterip-hostname-service",
        "nodeport-hostname-service",
        "svc-3",
        "my-service",
        "kubernetes",
    }
    for name in ("clusterip-hostname-service", "nodeport-hostname-service", "svc-3"):
        assert by_service[name] == [], name
    assert all(f.severity == "info" for f in by_service["kubernetes"])
    (error,) = by_service["my-service"]
    assert (error.check, error.severity) == ("selects-workload-labels", "error")
    assert "app=my-app-2" in error.title and "Deployment my-deployment" in error.title
    assert has_line(error, "app=my-app-2", "Deployment my-deployment")
    assert has_line(error, "app=my-app", "its pods")
    assert error.fix == (
        'kubectl patch service my-service -n default -p \'{"spec":{"selector":{"app":"my-app"}}}\''
    )
    assert worst(by_service["my-service"]) == "error"
    assert worst(by_service["svc-3"]) is None


# -- 1. no-matching-pods ------------------------------------------------------------------------


def test_no_matching_pods_ranks_the_nearest_pods_and_templates() -> None:
    backend = {"app": "web", "tier": "backend"}
    pods = [
        owned_pod("web-5d8f9c-abcde", "web", backend),
        owned_pod("web-5d8f9c-fghij", "web", backend),  # a sibling: shown once
        running_pod("api-1", labels={"app": "api"}),
        running_pod("db-1", labels={"role": "db"}),  # no selector key: not near
    ]
    selector = {"app": "web", "tier": "frontend"}
    state = web_state(
        pods,
        selector=selector,
        **workload("web", labels=backend, pod_labels=backend, replicas=2),
    )
    findings = doctor(state)
    assert serious(findings) == [("no-matching-pods", "error")]
    finding = findings[0]
    assert finding.title == "the selector app=web,tier=frontend matches no pod in namespace default"
    assert finding.evidence == (
        "Deployment web's pod template: app=web,tier=backend (wanted app=web,tier=frontend)",
        "pod web-5d8f9c-abcde: app=web,tier=backend (wanted app=web,tier=frontend)",
        "pod api-1: app=api,no tier label (wanted app=web,tier=frontend)",
    )
    assert [(c.kind, c.name, c.matched) for c in finding.candidates] == [
        ("Deployment", "web", 1),
        ("Pod", "web-5d8f9c-abcde", 1),
        ("Pod", "api-1", 0),
    ]
    verdicts = [(check.key, check.verdict) for check in finding.candidates[0].checks]
    assert verdicts == [("app", "match"), ("tier", "different")]
    assert finding.fix == (
        "kubectl patch service web -n default -p "
        '\'{"spec":{"selector":{"app":"web","tier":"backend"}}}\''
    )
    assert "every key=value pair" in finding.rule


def test_no_matching_pods_marks_a_letter_case_slip_and_renames_the_key() -> None:
    pods = [running_pod("web-1", labels={"App": "Web"})]
    findings = doctor(web_state(pods))
    finding = only(findings, "no-matching-pods")
    (candidate,) = finding.candidates
    (check,) = candidate.checks
    assert (check.key, check.found_key, check.found, check.verdict) == ("app", "App", "Web", "case")
    assert finding.evidence == ("pod web-1: App=Web (wanted app=web)",)
    assert (
        finding.fix is not None and '{"spec":{"selector":{"App":"Web","app":null}}}' in finding.fix
    )


def test_no_matching_pods_in_an_empty_namespace_says_so_and_offers_no_fix() -> None:
    finding = only(doctor(web_state([])), "no-matching-pods")
    assert finding.evidence == ("namespace default has no pods",)
    assert finding.fix is None and finding.candidates == ()


def test_no_matching_pods_gives_no_fix_when_the_nearest_lacks_a_key() -> None:
    pods = [running_pod("api-1", labels={"app": "api"})]
    finding = only(
        doctor(web_state(pods, selector={"app": "web", "tier": "front"})), "no-matching-pods"
    )
    assert finding.fix is None
    assert finding.evidence == ("pod api-1: app=api,no tier label (wanted app=web,tier=front)",)


def test_finished_pods_that_match_are_named_but_do_not_count() -> None:
    done = running_pod("web-job", labels=WEB)
    done["status"]["phase"] = "Succeeded"
    finding = only(doctor(web_state([done])), "no-matching-pods")
    assert has_line(finding, "finished pods match (web-job)", "never serve")


def test_a_matching_deployment_without_pods_is_described_not_patched() -> None:
    state = web_state([], **workload("web", labels=WEB, pod_labels=WEB, replicas=2))
    finding = only(doctor(state), "no-matching-pods")
    assert finding.evidence[0] == "Deployment web's pods would match, but none exist"
    assert finding.fix == "kubectl describe deployment web -n default"


def test_nothing_is_said_of_pods_or_slices_before_they_are_listed() -> None:
    state = state_of(services=[service("web", selector=WEB), service("db")])
    assert doctor(state) == [] and doctor(state, "db") == []


# -- 2. selects-workload-labels (W6) ------------------------------------------------------------


def test_w6_selector_on_the_deployments_own_labels_names_both_labels() -> None:
    my_app = {"app": "my-app"}
    container = {"name": "my-container", "image": "my-image"}
    pods = [
        owned_pod(f"my-deployment-5d8f9c-{suffix}", "my-deployment", my_app, ip=f"10.44.0.{i}")
        for i, suffix in enumerate(("7m24x", "9kq2d", "zt5w1"), start=1)
    ]
    state = state_of(
        services=[service("my-service", selector={"app": "my-app-2"})],
        pods=pods,
        endpointslices=[slice_of("my-service", [])],
        **workload(
            "my-deployment",
            labels={"app": "my-app-2"},
            pod_labels=my_app,
            replicas=3,
            container=container,
        ),
    )
    findings = doctor(state, "my-service")
    (finding,) = findings
    assert (finding.check, finding.severity) == ("selects-workload-labels", "error")
    assert finding.title == (
        "the selector app=my-app-2 matches Deployment my-deployment's own labels, not its pods'"
    )
    assert finding.evidence[:2] == (
        "app=my-app-2 on Deployment my-deployment (its own metadata labels)",
        "app=my-app on its pods (spec.template.metadata.labels)",
    )
    assert "pod my-deployment-5d8f9c-7m24x: app=my-app" in finding.evidence
    assert finding.rule == (
        "A Service selects Pods by their labels; "
        "a Deployment's own metadata labels are never looked at."
    )
    assert finding.fix == (
        'kubectl patch service my-service -n default -p \'{"spec":{"selector":{"app":"my-app"}}}\''
    )
    kinds = [(c.kind, c.name, c.own, c.selected) for c in finding.candidates[:2]]
    assert kinds == [
        ("Deployment", "my-deployment", True, True),
        ("Deployment", "my-deployment", False, False),
    ]


# -- 3. pods-in-other-namespace -----------------------------------------------------------------


def test_pods_in_another_namespace_are_named_with_it() -> None:
    pods = [running_pod("web-1", "shop", labels=WEB), running_pod("web-2", "shop", labels=WEB)]
    findings = doctor(web_state(pods))
    assert serious(findings) == [("pods-in-other-namespace", "error")]
    finding = findings[0]
    assert finding.title == "the pods matching app=web run in namespace shop, not in default"
    assert finding.evidence == ("namespace shop: web-1, web-2",)
    assert finding.rule == "A Service only selects pods in its own namespace."


def test_pods_in_another_namespace_are_only_info_when_the_service_has_ready_pods() -> None:
    pods = [running_pod("web-1", labels=WEB), running_pod("web-9", "shop", labels=WEB)]
    findings = doctor(web_state(pods + [running_pod("web-2", labels=WEB, ip="192.168.0.2")]))
    finding = only(findings, "pods-in-other-namespace")
    assert finding.severity == "info"
    assert "also run in namespace shop" in finding.title
    assert serious(findings) == []


# -- 4. scaled-to-zero --------------------------------------------------------------------------


def test_a_matching_deployment_scaled_to_zero_is_the_one_error() -> None:
    state = web_state([], **workload("web", labels=WEB, pod_labels=WEB, replicas=0))
    findings = doctor(state)
    assert serious(findings) == [("scaled-to-zero", "error")]
    finding = findings[0]
    assert finding.title == "Deployment web, whose pods the selector matches, is scaled to zero"
    assert finding.evidence == ("Deployment web: replicas 0, pod template app=web",)
    assert finding.fix == "kubectl scale deployment web -n default --replicas=1"


def test_a_deployment_at_zero_beside_serving_pods_is_a_warning() -> None:
    pods = [running_pod("web-1", labels=WEB), running_pod("web-2", labels=WEB, ip="192.168.0.2")]
    state = web_state(pods, **workload("web-canary", labels=WEB, pod_labels=WEB, replicas=0))
    assert serious(doctor(state)) == [("scaled-to-zero", "warning")]


def test_old_replica_sets_at_zero_of_a_rolled_out_deployment_are_not_findings() -> None:
    pods = [
        owned_pod("web-5d8f9c-a", "web", WEB),
        owned_pod("web-5d8f9c-b", "web", WEB, ip="192.168.0.2"),
    ]
    kinds = workload("web", labels=WEB, pod_labels=WEB, replicas=2)
    owner = ("Deployment", "web", "uid-default-web")
    kinds["replicasets"].append(replica_set("web-old", pod_labels=WEB, replicas=0, owner=owner))
    assert doctor(web_state(pods, **kinds)) == []


# -- 5. pods-not-ready --------------------------------------------------------------------------


def test_pods_not_ready_tell_each_pods_reason() -> None:
    unscheduled = pod_with_status(
        "web-pending",
        {
            "phase": "Pending",
            "podIP": "",
            "conditions": [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "reason": "Unschedulable",
                    "message": "0/3 nodes are available: 3 Insufficient cpu.",
                }
            ],
        },
    )
    crashing = pod_with_status(
        "web-crash",
        unready_statuses(
            restartCount=7,
            state={"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}},
            lastState={"terminated": {"exitCode": 1, "reason": "Error"}},
        ),
    )
    probing = pod_with_status("web-probe", unready_statuses(state={"running": {}}))
    leaving = running_pod("web-leaving", labels=WEB)
    leaving["metadata"]["deletionTimestamp"] = "2024-05-01T11:00:00Z"
    findings = doctor(web_state([crashing, unscheduled, probing, leaving]))
    assert serious(findings) == [("pods-not-ready", "error")]
    finding = findings[0]
    assert finding.title == "none of the 4 pods the selector matches is ready"
    assert finding.evidence == (
        "pod web-crash: CrashLoopBackOff: container web restarted 7 times, "
        "last exit: Error (exit code 1)",
        "pod web-leaving: Terminating: it gets no new connections",
        "pod web-pending: Pending, not scheduled "
        "(Unschedulable: 0/3 nodes are available: 3 Insufficient cpu.)",
        "pod web-probe: Running but not ready: its readiness probe fails (container web)",
    )
    assert finding.fix == "kubectl logs web-crash -n default --previous"


def test_a_pod_being_created_is_pending_with_its_container_reason() -> None:
    creating = pod_with_status(
        "web-new",
        {
            **unready_statuses(state={"waiting": {"reason": "ContainerCreating"}}),
            "phase": "Pending",
        },
    )
    finding = only(doctor(web_state([creating])), "pods-not-ready")
    assert finding.title == "the only pod the selector matches is not ready"
    assert finding.evidence == ("pod web-new: Pending: container web ContainerCreating",)
    assert finding.fix == "kubectl describe pod web-new -n default"


def test_some_pods_not_ready_is_a_warning() -> None:
    probing = pod_with_status("web-probe", unready_statuses(state={"running": {}}))
    pods = [
        running_pod("web-1", labels=WEB),
        running_pod("web-2", labels=WEB, ip="192.168.0.2"),
        probing,
    ]
    findings = doctor(web_state(pods))
    assert serious(findings) == [("pods-not-ready", "warning")]
    assert findings[0].title == "1 of 3 pods the selector matches are not ready"


# -- 6. named-port-undeclared, numeric-port-undeclared ------------------------------------------

HTTP_PORT = {"ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": "http"}]}


def pod_declaring(name: str, ports: list[dict[str, Any]], ip: str) -> dict[str, Any]:
    raw = running_pod(name, labels=WEB, ip=ip)
    raw["spec"]["containers"][0]["ports"] = ports
    return raw


def test_a_named_target_port_no_pod_declares_is_an_error() -> None:
    pods = [
        pod_declaring("web-1", [{"name": "web", "containerPort": 8080}], "192.168.0.1"),
        pod_declaring("web-2", [{"name": "web", "containerPort": 8080}], "192.168.0.2"),
    ]
    findings = doctor(web_state(pods, spec=HTTP_PORT))
    assert serious(findings) == [("named-port-undeclared", "error")]
    finding = findings[0]
    assert finding.title == "port http: targetPort http names no containerPort of the selected pods"
    assert finding.evidence == ("pods web-1, web-2: declares web (8080/TCP)",)
    assert finding.fix == (
        "kubectl patch service web -n default --type=json -p "
        '\'[{"op":"replace","path":"/spec/ports/0/targetPort","value":"web"}]\''
    )


def test_a_named_target_port_some_pods_lack_is_a_warning() -> None:
    pods = [
        pod_declaring("web-1", [{"name": "http", "containerPort": 8080}], "192.168.0.1"),
        pod_declaring("web-2", [{"containerPort": 8080}], "192.168.0.2"),
    ]
    findings = doctor(web_state(pods, spec=HTTP_PORT))
    assert serious(findings) == [("named-port-undeclared", "warning")]
    finding = findings[0]
    assert finding.title == "port http: 1 of 2 selected pods declare no containerPort named http"
    assert finding.evidence == ("pod web-2: declares no named port",)
    assert finding.fix is not None and '"value":8080' in finding.fix


def test_a_numeric_target_port_the_pods_do_not_declare_is_a_warning() -> None:
    spec = {"ports": [{"protocol": "TCP", "port": 80, "targetPort": 4000}]}
    pods = [pod_declaring("web-1", [{"containerPort": 80}], "192.168.0.1")]
    pods.append(pod_declaring("web-2", [{"containerPort": 80}], "192.168.0.2"))
    findings = doctor(web_state(pods, spec=spec))
    assert serious(findings) == [("numeric-port-undeclared", "warning")]
    finding = findings[0]
    assert (
        finding.title == "port 80: targetPort 4000 is not a containerPort the selected pods declare"
    )
    assert "the pods declare 80/TCP" in finding.evidence
    assert finding.fix == (
        "kubectl patch service web -n default --type=json -p "
        '\'[{"op":"replace","path":"/spec/ports/0/targetPort","value":80}]\''
    )


def test_a_numeric_target_port_no_container_declares_is_unverified_info() -> None:
    spec = {"ports": [{"protocol": "TCP", "port": 80, "targetPort": 4000}]}
    pods = [pod_declaring("web-1", [], "192.168.0.1"), pod_declaring("web-2", [], "192.168.0.2")]
    (finding,) = doctor(web_state(pods, spec=spec))
    assert (finding.check, finding.severity, finding.fix) == (
        "numeric-port-unverified",
        "info",
        None,
    )
    assert finding.title == (
        "port 80 -> targetPort 4000: the pods declare no containerPort; "
        "nothing confirms a container listens on 4000"
    )
    assert finding.evidence == (
        "pods web-1, web-2: no container declares a port",
        "the Service sends TCP to port 4000",
    )


# -- 7. no-selector-manual, no-selector-no-endpoints --------------------------------------------


def bare_slice(name: str, managed_by: str | None, addresses: list[str]) -> dict[str, Any]:
    labels = {"kubernetes.io/service-name": "db"}
    if managed_by is not None:
        labels["endpointslice.kubernetes.io/managed-by"] = managed_by
    return {
        "metadata": metadata(name, labels=labels),
        "addressType": "IPv4",
        "ports": [{"name": "", "port": 5432, "protocol": "TCP"}],
        "endpoints": [{"addresses": [ip], "conditions": {"ready": True}} for ip in addresses],
    }


def test_no_selector_with_hand_made_endpoints_is_info() -> None:
    state = state_of(
        services=[service("db")], endpointslices=[bare_slice("db-1", None, ["10.0.0.5"])]
    )
    (finding,) = doctor(state, "db")
    assert (finding.check, finding.severity) == ("no-selector-manual", "info")
    assert finding.title == "no selector: its endpoints are kept by hand"
    assert finding.evidence == ("EndpointSlice db-1: 10.0.0.5 (1 ready)",)
    assert "kubernetes.io/service-name=db" in finding.rule


def test_no_selector_names_the_controller_that_keeps_the_slices() -> None:
    mirrored = bare_slice("db-mirror", "endpointslicemirroring-controller.k8s.io", ["10.0.0.5"])
    (finding,) = doctor(state_of(services=[service("db")], endpointslices=[mirrored]), "db")
    assert "mirroring controller" in finding.title
    other = bare_slice("db-x", "my-operator.example.com", ["10.0.0.5"])
    (finding,) = doctor(state_of(services=[service("db")], endpointslices=[other]), "db")
    assert finding.title == "no selector: its endpoints are kept by my-operator.example.com"


def test_no_selector_and_no_endpoints_is_an_error() -> None:
    (finding,) = doctor(state_of(services=[service("db")], endpointslices=[]), "db")
    assert (finding.check, finding.severity) == ("no-selector-no-endpoints", "error")
    assert finding.evidence == ("no EndpointSlice is labelled kubernetes.io/service-name=db",)
    empty = bare_slice("db-1", None, [])
    (finding,) = doctor(state_of(services=[service("db")], endpointslices=[empty]), "db")
    assert finding.evidence == ("EndpointSlice db-1 has no endpoints",)


# -- 8. external-name ---------------------------------------------------------------------------


def test_external_name_is_info_only() -> None:
    spec = {"type": "ExternalName", "externalName": "example.com", "clusterIP": "", "ports": []}
    (finding,) = doctor(state_of(services=[service("ext", spec=spec)]), "ext")
    assert (finding.check, finding.severity) == ("external-name", "info")
    assert finding.title == "ExternalName: a DNS alias for example.com, no endpoints by design"
    assert finding.evidence == ("ext.default.svc.cluster.local -> CNAME example.com",)


# -- 9. local-policy-drops ----------------------------------------------------------------------


def test_local_policy_names_the_nodes_that_drop() -> None:
    state = w2("np", spec=node_port(externalTrafficPolicy="Local"))
    findings = doctor(state, "np")
    assert serious(findings) == [("local-policy-drops", "warning")]
    finding = findings[0]
    assert finding.title == (
        "externalTrafficPolicy Local: 1 of 3 nodes have no ready endpoint and drop external traffic"
    )
    assert finding.evidence == (
        "node master (172.30.1.10:30080): no ready endpoint on it, drops the traffic",
    )
    assert finding.fix == (
        'kubectl patch service np -n default -p \'{"spec":{"externalTrafficPolicy":"Cluster"}}\''
    )


def test_local_policy_with_an_endpoint_on_every_node_is_info() -> None:
    workers = [n for n in nodes() if n["metadata"]["name"] != "master"]
    state = w2("np", spec=node_port(externalTrafficPolicy="Local"), nodes=workers)
    (finding,) = doctor(state, "np")
    assert (finding.check, finding.severity) == ("local-policy-drops", "info")
    assert finding.evidence == (
        "node worker1: hostname-server-a",
        "node worker2: hostname-server-b",
    )


# -- 10. lb-pending -----------------------------------------------------------------------------


def test_a_pending_load_balancer_is_a_warning() -> None:
    state = w2("lb", spec=node_port(type="LoadBalancer"))
    findings = doctor(state, "lb")
    assert serious(findings) == [("lb-pending", "warning")]
    finding = findings[0]
    assert finding.title == (
        "LoadBalancer <pending>: no load-balancer controller has given it an address"
    )
    assert "EXTERNAL-IP <pending>" in finding.evidence
    assert has_line(finding, "MetalLB")
    assert has_line(finding, "NodePort 30080")


def test_a_pending_load_balancer_names_its_class() -> None:
    spec = node_port(type="LoadBalancer", loadBalancerClass="example.com/lb")
    finding = only(doctor(w2("lb", spec=spec), "lb"), "lb-pending")
    assert "loadBalancerClass example.com/lb" in finding.title


def test_a_load_balancer_with_an_address_is_fine() -> None:
    status = {"loadBalancer": {"ingress": [{"ip": "203.0.113.9"}]}}
    assert doctor(w2("lb", spec=node_port(type="LoadBalancer"), status=status), "lb") == []


# -- 11. single-endpoint ------------------------------------------------------------------------


def test_a_single_ready_endpoint_scales_the_owning_deployment() -> None:
    pods = [owned_pod("web-5d8f9c-abcde", "web", WEB)]
    state = web_state(pods, **workload("web", labels=WEB, pod_labels=WEB, replicas=1))
    findings = doctor(state)
    assert serious(findings) == [("single-endpoint", "warning")]
    finding = findings[0]
    assert finding.title == "only one ready endpoint (web-5d8f9c-abcde): no redundancy"
    assert finding.evidence == (
        "the one ready endpoint: pod web-5d8f9c-abcde (192.168.235.140) on node worker1",
        "its pods come from Deployment web",
    )
    assert finding.fix == "kubectl scale deployment web -n default --replicas=2"


def test_a_single_pod_without_an_owner_gets_no_fix() -> None:
    finding = only(doctor(web_state([running_pod("web-1", labels=WEB)])), "single-endpoint")
    assert finding.fix is None


def test_a_dual_stack_pod_is_one_endpoint() -> None:
    pod = running_pod("web-1", labels=WEB)
    v4 = endpoint_slice("web-v4", "web", endpoints=[endpoint("192.168.0.1", "web-1")])
    v6 = endpoint_slice("web-v6", "web", endpoints=[endpoint("fd00::1", "web-1")])
    v6["addressType"] = "IPv6"
    state = state_of(services=[service("web", selector=WEB)], pods=[pod], endpointslices=[v4, v6])
    assert serious(doctor(state)) == [("single-endpoint", "warning")]


# -- ordering and worst -------------------------------------------------------------------------


def test_errors_come_first_then_warnings_then_info() -> None:
    spec = node_port(type="LoadBalancer")
    state = state_of(
        services=[service("web", selector=WEB, spec=spec)],
        pods=[running_pod("web-9", "shop", labels=WEB)],
        endpointslices=[],
        nodes=nodes(),
    )
    findings = doctor(state)
    assert [f.severity for f in findings] == ["error", "warning"]
    assert [f.check for f in findings] == ["pods-in-other-namespace", "lb-pending"]


@pytest.mark.parametrize(
    ("severities", "expected"),
    [
        ((), None),
        (("info",), "info"),
        (("info", "warning"), "warning"),
        (("warning", "error", "info"), "error"),
    ],
)
def test_worst(severities: tuple[Any, ...], expected: str | None) -> None:
    assert worst(Finding("x", severity, "t") for severity in severities) == expected


def test_the_doctor_stays_headless() -> None:
    probe = (
        "import sys, k9lite.analysis.doctor; print(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'textual', 'kubernetes', 'rich', 'httpx', 'aiohttp'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
