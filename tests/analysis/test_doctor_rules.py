"""The doctor's rules about what surrounds a Service: Ingresses in front of it, hand-kept endpoints
that no longer reach their pods, session affinity, and the reasons a selected pod is not ready
(a targetPort no container declares is in test_doctor, beside the other port checks). On raw
objects fed through ClusterState."""

from __future__ import annotations

from typing import Any

from k9lite.analysis.doctor import Finding, diagnose, ingress_findings, worst
from tests.analysis.builders import ingress, state_of
from tests.analysis.test_doctor import (
    WEB,
    doctor,
    only,
    pod_with_status,
    serious,
    unready_statuses,
    web_state,
)
from tests.model.manifests import endpoint, metadata, running_pod, service

TWO_PODS = [
    running_pod("web-1", labels=WEB, ip="192.168.0.1"),
    running_pod("web-2", labels=WEB, ip="192.168.0.2"),
]
"""Ready pods behind `web`, whose one port is 8080 -> targetPort 80."""


# -- ingress-backend-port -------------------------------------------------------------------------


def test_an_ingress_to_a_port_the_service_lacks_is_an_error_with_a_patch() -> None:
    shop = ingress("shop", [("shop.example.com", "/api", "web", 80), ("", "/", "web", 8080)])
    findings = doctor(web_state(TWO_PODS, ingresses=[shop]))
    assert serious(findings) == [("ingress-backend-port", "error")]
    finding = findings[0]
    assert finding.title == "Ingress shop routes to port 80 of Service web, which has no such port"
    assert finding.evidence == (
        "ingress shop shop.example.com/api -> web:80",
        "Service web's ports: 8080",
        "80 is the Service's targetPort; the Ingress must name its port 8080",
    )
    assert finding.fix == (
        'kubectl patch ingress shop -n default --type=json -p \'[{"op":"replace",'
        '"path":"/spec/rules/0/http/paths/0/backend/service/port","value":{"number":8080}}]\''
    )
    assert "never its targetPort" in finding.rule


def test_an_ingress_port_name_and_default_backend_are_checked_too() -> None:
    spec = {
        "ports": [
            {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 80},
            {"name": "admin", "protocol": "TCP", "port": 9000, "targetPort": 9000},
        ]
    }
    fine = ingress("fine", [("a.example.com", "/", "web", "http")], default=("web", 9000))
    wrong = ingress("wrong", [("b.example.com", "/", "web", "https")], default=("web", "web"))
    finding = only(
        doctor(web_state(TWO_PODS, spec=spec, ingresses=[fine, wrong])), "ingress-backend-port"
    )
    assert finding.title == (
        "Ingress wrong routes to port https, web of Service web, which has no such port"
    )
    assert finding.evidence[:2] == (
        "ingress wrong (default backend) -> web:web",
        "ingress wrong b.example.com/ -> web:https",
    )
    assert "Service web's ports: 80 (http), 9000 (admin)" in finding.evidence
    # Two ports to choose from: which one is meant is the user's call.
    assert finding.fix is None


def test_ingresses_to_other_services_or_resources_are_not_this_services() -> None:
    other = ingress("other", [("", "/", "api", 1234)])
    assert doctor(web_state(TWO_PODS, ingresses=[other])) == []


# -- ingress-backend-no-endpoints -----------------------------------------------------------------


def test_ingress_routes_to_a_service_without_ready_endpoints_are_a_warning_beside_its_error() -> (
    None
):
    shop = ingress("shop", [("shop.example.com", "/", "web", 8080)])
    stranger = [running_pod("api-1", labels={"app": "api"})]
    findings = doctor(web_state(stranger, ingresses=[shop]))
    assert serious(findings) == [
        ("no-matching-pods", "error"),
        ("ingress-backend-no-endpoints", "warning"),
    ]
    finding = findings[1]
    assert finding.title == (
        "1 Ingress route sends to web, which has no ready endpoint: "
        "the ingress controller answers it itself (503)"
    )
    assert finding.evidence == ("ingress shop shop.example.com/ -> web:8080",)
    assert finding.fix is None


def test_nothing_is_said_of_ingresses_before_they_are_listed() -> None:
    state = web_state(TWO_PODS)
    assert not state.loaded("ingresses")
    assert doctor(state) == []
    assert ingress_findings(state, "default") == []


def test_a_user_who_may_not_list_ingresses_gets_could_not_check() -> None:
    state = web_state(TWO_PODS)
    forbidden = 'ingresses.networking.k8s.io is forbidden: User "viewer" cannot list'
    state.mark_unknown("ingresses", forbidden)
    findings = doctor(state)
    assert worst(findings) == "unknown"
    (blind,) = findings
    assert blind.check == "could-not-check" and "ingresses" in blind.title
    assert blind.evidence == (forbidden,)
    assert "EndpointSlices" not in blind.rule, "the EndpointSlice sentence is for EndpointSlices"
    assert blind.fix == "kubectl auth can-i list ingresses -n default"


# -- ingress-backend-missing ----------------------------------------------------------------------


def test_an_ingress_to_a_service_that_does_not_exist_is_a_namespace_finding() -> None:
    shop = ingress(
        "shop", [("shop.example.com", "/", "web-svc", 80), ("shop.example.com", "/x", "nope", 80)]
    )
    state = web_state(TWO_PODS, ingresses=[shop])
    found = ingress_findings(state, "default")
    assert [(name, f.check, f.severity) for name, f in found] == [
        ("shop", "ingress-backend-missing", "error"),
        ("shop", "ingress-backend-missing", "error"),
    ]
    typo, nope = (finding for _, finding in found)
    assert typo.title == (
        "Ingress shop routes to Service web-svc, which does not exist in namespace default"
    )
    assert typo.evidence == (
        "ingress shop shop.example.com/ -> web-svc:80",
        "Services in namespace default: web",
        "the one near name: web",
    )
    assert typo.fix == (
        'kubectl patch ingress shop -n default --type=json -p \'[{"op":"replace",'
        '"path":"/spec/rules/0/http/paths/0/backend/service/name","value":"web"}]\''
    )
    assert nope.evidence[-1] == "Services in namespace default: web" and nope.fix is None
    assert ingress_findings(state, "elsewhere") == []


def test_an_ingress_in_a_namespace_without_services_says_so() -> None:
    lonely = ingress("lonely", [], default=("gone", 80), namespace="empty")
    state = state_of(services=[], ingresses=[lonely])
    ((name, finding),) = ingress_findings(state, "empty")
    assert name == "lonely"
    assert finding.evidence == (
        "ingress lonely (default backend) -> gone:80",
        "namespace empty has no Service",
    )


# -- no-selector-stale ----------------------------------------------------------------------------


def hand_kept(*endpoints: dict[str, Any], managed_by: str | None = None) -> dict[str, Any]:
    labels = {"kubernetes.io/service-name": "db"}
    if managed_by is not None:
        labels["endpointslice.kubernetes.io/managed-by"] = managed_by
    return {
        "metadata": metadata("db-1", labels=labels),
        "addressType": "IPv4",
        "ports": [{"name": "", "port": 5432, "protocol": "TCP"}],
        "endpoints": list(endpoints),
    }


def db_state(*endpoints: dict[str, Any], managed_by: str | None = None) -> list[Finding]:
    db_pod = running_pod("db-0", labels={"app": "db"}, ip="192.168.0.50")
    state = state_of(
        services=[service("db")],
        pods=[db_pod],
        endpointslices=[hand_kept(*endpoints, managed_by=managed_by)],
    )
    return doctor(state, "db")


def test_a_hand_kept_endpoint_of_a_pod_that_moved_is_stale_and_repointed() -> None:
    findings = db_state(
        endpoint("192.168.0.9", "db-0"),
        endpoint("10.0.0.7", "db-gone"),
        endpoint("192.168.0.50", "db-0"),
    )
    assert [(f.check, f.severity) for f in findings] == [
        ("no-selector-stale", "error"),
        ("no-selector-manual", "info"),
    ]
    stale = findings[0]
    assert (
        stale.title
        == "no selector: 2 of 3 hand-kept endpoints point at pods that moved or are gone"
    )
    assert stale.evidence == (
        "192.168.0.9 -> pod db-0: the pod's IP is now 192.168.0.50",
        "10.0.0.7 -> pod db-gone: no such pod any more",
    )
    assert stale.rule.startswith("Nothing updates hand-kept endpoints when pods move")
    # A gone pod's replacement is the keeper's call: no patch guesses it.
    assert stale.fix is None


def test_only_moved_pods_get_a_patch_of_their_addresses() -> None:
    (stale, _) = db_state(endpoint("192.168.0.9", "db-0"))
    assert stale.fix == (
        "kubectl patch endpointslice db-1 -n default --type=json -p "
        '\'[{"op":"replace","path":"/endpoints/0/addresses/0","value":"192.168.0.50"}]\''
    )
    mirrored = "endpointslicemirroring-controller.k8s.io"
    (stale, _) = db_state(endpoint("192.168.0.9", "db-0"), managed_by=mirrored)
    assert stale.fix is None, "the mirroring controller would undo a patch of its slice"


def test_bare_addresses_say_whether_a_pod_has_them() -> None:
    (manual,) = db_state(
        {"addresses": ["10.0.0.5"], "conditions": {"ready": True}},
        {"addresses": ["192.168.0.50"], "conditions": {"ready": True}},
    )
    assert (manual.check, manual.severity) == ("no-selector-manual", "info")
    assert manual.evidence == (
        "EndpointSlice db-1: 10.0.0.5, 192.168.0.50 (2 ready)",
        "10.0.0.5: not a pod's address (outside the cluster?)",
        "192.168.0.50: the address of pod default/db-0 (no targetRef: nothing follows it)",
    )


def test_the_api_servers_own_endpoints_are_not_compared_with_pods() -> None:
    kubernetes = hand_kept({"addresses": ["172.30.1.10"], "conditions": {"ready": True}})
    kubernetes["metadata"] = metadata(
        "kubernetes", labels={"kubernetes.io/service-name": "kubernetes"}
    )
    state = state_of(services=[service("kubernetes")], pods=TWO_PODS, endpointslices=[kubernetes])
    (finding,) = doctor(state, "kubernetes")
    assert finding.evidence == ("EndpointSlice kubernetes: 172.30.1.10 (1 ready)",)


# -- session-affinity -----------------------------------------------------------------------------


def test_client_ip_affinity_is_info_with_its_timeout_and_a_patch() -> None:
    sticky = {"sessionAffinity": "ClientIP"}
    finding = only(doctor(web_state(TWO_PODS, spec=sticky)), "session-affinity")
    assert finding.severity == "info"
    assert (
        finding.title
        == "sessionAffinity ClientIP: each client IP sticks to one pod (timeout 10800 s)"
    )
    assert (
        finding.evidence[0] == "sessionAffinityConfig.clientIP.timeoutSeconds: 10800 (the default)"
    )
    assert any("API server's service proxy" in line for line in finding.evidence)
    assert finding.fix == (
        'kubectl patch service web -n default -p \'{"spec":{"sessionAffinity":"None"}}\''
    )
    timed = {**sticky, "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 60}}}
    finding = only(doctor(web_state(TWO_PODS, spec=timed)), "session-affinity")
    assert "(timeout 60 s)" in finding.title
    assert finding.evidence[0] == "sessionAffinityConfig.clientIP.timeoutSeconds: 60"


# -- pods-not-ready: the reasons not shown elsewhere ----------------------------------------------


def test_an_image_that_cannot_be_pulled_is_named_with_the_kubelets_message() -> None:
    pulling = pod_with_status(
        "web-pull",
        {
            **unready_statuses(
                state={
                    "waiting": {
                        "reason": "ImagePullBackOff",
                        "message": 'Back-off pulling image "nginx:1.999"',
                    }
                }
            ),
            "phase": "Pending",
        },
    )
    finding = only(doctor(web_state([pulling])), "pods-not-ready")
    assert finding.evidence == (
        "pod web-pull: Pending: container web ImagePullBackOff: "
        'Back-off pulling image "nginx:1.999"',
    )
    assert finding.fix == "kubectl describe pod web-pull -n default"


def test_a_crash_looping_init_container_is_named_and_its_logs_asked_for() -> None:
    status = unready_statuses(state={"running": {}})
    status["initContainerStatuses"] = [
        {
            "name": "migrate",
            "image": "migrate",
            "ready": False,
            "restartCount": 3,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 2}},
        }
    ]
    finding = only(doctor(web_state([pod_with_status("web-init", status)])), "pods-not-ready")
    assert finding.evidence == (
        "pod web-init: CrashLoopBackOff: container migrate restarted 3 times, "
        "last exit: Error (exit code 2)",
    )
    assert finding.fix == "kubectl logs web-init -n default -c migrate --previous"


def test_a_service_behind_an_ingress_on_its_port_has_no_findings() -> None:
    state = web_state(TWO_PODS, ingresses=[ingress("shop", [("", "/", "web", 8080)])])
    svc = state.get("services", "default", "web")
    assert svc is not None and diagnose(state, svc) == ()
