"""The active check's findings: outcomes as the runner records them, read into verdicts, and the
findings a report of them gives, on raw objects fed through ClusterState.

The API server's own answers to a proxied request follow kube-apiserver: 503 `error trying to
reach service: dial tcp IP:PORT: connect: connection refused` when it cannot dial the pod
(k8s.io/apimachinery pkg/util/proxy/transport.go), 400 `address not allowed` for a pod without
a usable IP (pkg/registry/core/pod/strategy.go ResourceLocation), 403 for a user without
pods/proxy.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from k9lite.analysis.check_results import CheckReport, Endpoint, PortCheck, Tried, verdict
from k9lite.analysis.doctor_check import check_findings
from k9lite.analysis.doctor_findings import Finding, ServiceFacts
from k9lite.analysis.stats import Outcome
from k9lite.model.services import Service, ServicePort
from tests.analysis.builders import state_of
from tests.model.manifests import running_pod, service

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)
REFUSED = Outcome(
    "x",
    0.002,
    status=503,
    error="http",
    from_server=True,
    detail="HTTP 503 Service Unavailable: error trying to reach service: dial tcp "
    "10.1.0.5:4000: connect: connection refused",
)
ANSWERED = Outcome("x", 0.004, answer="web-1", pod="web-1", status=200)


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (ANSWERED, "answered"),
        (Outcome("x", 0.1, status=404, error="http", detail="HTTP 404 Not Found"), "answered"),
        (Outcome("x", 0.1, status=500, error="http", detail="HTTP 500"), "http-error"),
        (REFUSED, "refused"),
        (
            Outcome(
                "x",
                2.0,
                status=503,
                error="http",
                from_server=True,
                detail="HTTP 503: error trying to reach service: dial tcp 10.1.0.5:80: i/o timeout",
            ),
            "timeout",
        ),
        (
            Outcome(
                "x", 0.1, status=400, error="http", from_server=True, detail="address not allowed"
            ),
            "no-address",
        ),
        (
            Outcome(
                "x",
                0.1,
                status=403,
                error="http",
                from_server=True,
                detail='HTTP 403 Forbidden: pods "web-1" is forbidden',
            ),
            "forbidden",
        ),
        (
            Outcome(
                "x",
                0.1,
                status=404,
                error="http",
                from_server=True,
                detail="the server could not find the requested resource",
            ),
            "unchecked",
        ),
        (Outcome("x", 0.1, error="refused", detail="connection refused"), "refused"),
        (Outcome("x", 2.0, error="timeout", detail="timed out"), "timeout"),
        (Outcome("x", 0.1, error="reset", detail="connection reset"), "failed"),
    ],
)
def test_verdicts(outcome: Outcome, expected: str) -> None:
    assert verdict(outcome) == expected


def pod(name: str, ip: str, *, ports: list[dict[str, Any]], started: datetime | None = None) -> Any:
    raw = running_pod(name, labels={"app": "web"}, ip=ip)
    raw["spec"]["containers"][0]["ports"] = ports
    if started is not None:
        stamp = started.strftime("%Y-%m-%dT%H:%M:%SZ")
        raw["status"]["containerStatuses"][0]["state"] = {"running": {"startedAt": stamp}}
    return raw


def facts_of(*pods: dict[str, Any], target: int | str = 4000) -> ServiceFacts:
    spec = {"ports": [{"protocol": "TCP", "port": 80, "targetPort": target}]}
    state = state_of(services=[service("web", selector={"app": "web"}, spec=spec)], pods=list(pods))
    found = state.get("services", "default", "web")
    assert isinstance(found, Service)
    return ServiceFacts.of(state, found)


def report(
    port: ServicePort,
    tried: list[Tried],
    *,
    total: int | None = None,
    through: tuple[Outcome, ...] = (),
    elsewhere: tuple[Tried, ...] = (),
) -> CheckReport:
    check = PortCheck(
        port,
        0,
        total=len(tried) if total is None else total,
        tried=tuple(tried),
        through=through,
        elsewhere=elsewhere,
    )
    return CheckReport("proxy", "/", 2.0, (check,))


def tried(name: str, ip: str, port: int, outcome: Outcome) -> Tried:
    return Tried(Endpoint(ip, port, name, "worker1"), outcome)


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


def test_refused_everywhere_names_the_port_and_the_port_the_pod_answers_on() -> None:
    facts = facts_of(pod("web-1", "10.1.0.5", ports=[]), pod("web-2", "10.1.0.6", ports=[]))
    port = facts.service.ports[0]
    found = only(
        check_findings(
            facts,
            report(
                port,
                [
                    tried("web-1", "10.1.0.5", 4000, REFUSED),
                    tried("web-2", "10.1.0.6", 4000, REFUSED),
                ],
                elsewhere=(tried("web-1", "10.1.0.5", 80, ANSWERED),),
            ),
            now=NOW,
        )
    )
    assert (found.check, found.severity) == ("endpoint-refused", "error")
    assert found.title == (
        "port 80 -> targetPort 4000: no pod answers on 4000: all 2 ready endpoints refuse the "
        "connection"
    )
    assert found.evidence[:2] == (
        "pod web-1's containers declare no port 4000 (they declare none)",
        "pod web-1 answers on port 80 instead",
    )
    assert (
        "pod web-2 (10.1.0.6:4000) on node worker1: HTTP 503 Service Unavailable"
        in (found.evidence[3])
    )
    assert found.fix == (
        "kubectl patch service web -n default --type=json -p "
        """'[{"op":"replace","path":"/spec/ports/0/targetPort","value":80}]'"""
    )


def test_a_pod_started_moments_ago_may_not_serve_yet() -> None:
    young = pod("web-1", "10.1.0.5", ports=[], started=NOW - timedelta(seconds=5))
    facts = facts_of(young)
    refused = [tried("web-1", "10.1.0.5", 4000, REFUSED)]
    found = only(check_findings(facts, report(facts.service.ports[0], refused), now=NOW))
    assert "pod web-1 started 5 s ago and may not serve yet" in found.evidence[1]
    assert found.fix == "kubectl logs web-1 -n default"
    # Long running: no such guess.
    old = pod("web-1", "10.1.0.5", ports=[], started=NOW - timedelta(minutes=5))
    facts = facts_of(old)
    found = only(check_findings(facts, report(facts.service.ports[0], refused), now=NOW))
    assert not any("may not serve yet" in line for line in found.evidence)


def test_a_named_target_port_resolving_apart_is_named() -> None:
    facts = facts_of(
        pod("web-1", "10.1.0.5", ports=[{"name": "http", "containerPort": 4000}]),
        pod("web-2", "10.1.0.6", ports=[{"name": "http", "containerPort": 80}]),
        target="http",
    )
    found = check_findings(
        facts,
        report(
            facts.service.ports[0],
            [tried("web-1", "10.1.0.5", 4000, REFUSED), tried("web-2", "10.1.0.6", 80, ANSWERED)],
        ),
        now=NOW,
    )
    (error,) = [f for f in found if f.severity == "error"]
    assert error.title == (
        "port 80 -> targetPort http: 1 of 2 ready endpoints refuse the connection on 4000"
    )
    assert error.evidence[0] == (
        "targetPort http is 4000 on the pods that fail and 80 on those that answer: their "
        "containers name different ports"
    )


def test_timeouts_say_how_long_and_point_at_network_policies() -> None:
    facts = facts_of(pod("web-1", "10.1.0.5", ports=[{"containerPort": 4000}]))
    late = Outcome("x", 2.0, error="timeout", detail="timed out")
    found = only(
        check_findings(
            facts, report(facts.service.ports[0], [tried("web-1", "10.1.0.5", 4000, late)]), now=NOW
        )
    )
    assert (found.check, found.severity) == ("endpoint-unreachable", "error")
    assert found.title.endswith("the only ready endpoint does not answer (no answer within 2 s)")
    assert found.fix == "kubectl get networkpolicies -n default"


def test_every_pod_answering_is_info_naming_each_and_a_sample_says_so() -> None:
    facts = facts_of(pod("web-1", "10.1.0.5", ports=[]), target=80)
    through = (ANSWERED, ANSWERED, ANSWERED)
    found = only(
        check_findings(
            facts,
            report(
                facts.service.ports[0],
                [tried("web-1", "10.1.0.5", 80, ANSWERED)],
                total=12,
                through=through,
            ),
            now=NOW,
        )
    )
    assert (found.check, found.severity) == ("endpoints-answer", "info")
    assert found.title == "port 80 -> targetPort 80: the only pod answered on 80"
    assert found.evidence == (
        "checked a sample: 1 of 12 ready endpoints, spread over nodes",
        "pod web-1 (10.1.0.5:80) on node worker1: HTTP 200 in 4 ms",
        "through the service proxy: 3 of 3 requests answered (by web-1)",
    )


def test_pods_answering_while_the_service_does_not_is_an_error() -> None:
    facts = facts_of(pod("web-1", "10.1.0.5", ports=[]), target=80)
    failed = Outcome(
        "x", 0.1, status=503, error="http", from_server=True, detail="HTTP 503: no endpoints"
    )
    found = check_findings(
        facts,
        report(
            facts.service.ports[0],
            [tried("web-1", "10.1.0.5", 80, ANSWERED)],
            through=(failed,) * 3,
        ),
        now=NOW,
    )
    assert [(f.check, f.severity) for f in found] == [
        ("endpoints-answer", "info"),
        ("service-does-not-answer", "error"),
    ]


def test_a_user_without_pods_proxy_is_told_it_could_not_check() -> None:
    facts = facts_of(pod("web-1", "10.1.0.5", ports=[]))
    denied = Outcome(
        "x",
        0.1,
        status=403,
        error="http",
        from_server=True,
        detail='HTTP 403 Forbidden: pods "web-1" is forbidden: User "viewer" cannot get '
        'resource "pods/proxy"',
    )
    found = only(
        check_findings(
            facts, report(facts.service.ports[0], [tried("web-1", "10.1.0.5", 4000, denied)])
        )
    )
    assert (found.check, found.severity) == ("check-forbidden", "unknown")
    assert found.fix == "kubectl auth can-i get pods --subresource=proxy -n default"


def test_a_skipped_port_says_why() -> None:
    facts = facts_of(pod("web-1", "10.1.0.5", ports=[]))
    skipped = PortCheck(
        ServicePort(53, 53, "UDP", "dns"), 0, skipped="UDP: only TCP ports are checked"
    )
    found = only(check_findings(facts, CheckReport("proxy", "/", 2.0, (skipped,))))
    assert (found.check, found.severity) == ("check-skipped", "info")
    assert found.title == (
        "port 53 (dns) -> targetPort 53: not checked: UDP: only TCP ports are checked"
    )


def test_a_port_named_http_answered_by_another_protocol_says_so() -> None:
    facts = facts_of(pod("web-1", "10.1.0.5", ports=[]), target=80)
    port = dataclasses.replace(facts.service.ports[0], name="http")
    garbled = Outcome("x", 0.01, error="reset", detail="connection reset: Server disconnected")
    found = only(check_findings(facts, report(port, [tried("web-1", "10.1.0.5", 80, garbled)])))
    assert (found.check, found.severity) == ("endpoint-unreachable", "error")
    assert found.evidence[0] == (
        "the port's name http says HTTP, but what answers there does not speak it (connection "
        "reset: Server disconnected): another protocol, or TLS where plain HTTP was expected"
    )
