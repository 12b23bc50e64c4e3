"""The doctor's findings from the active check: whether the ready endpoints really answer.

A ready endpoint only says that the pod's readiness probe passes (or that it has none); the
Service still sends each connection to targetPort, and if nothing listens there every one is
refused. Each finding names the pods that failed, how, and the likely cause: a targetPort the
containers do not declare (and the port a pod answers on instead, when one does), a named
targetPort that resolves to another number on some pods, a pod that started moments ago.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timezone

from k9lite.analysis.check_results import CheckReport, PortCheck, Tried, Verdict, verdict
from k9lite.analysis.doctor_findings import (
    Finding,
    ServiceFacts,
    by_severity,
    kubectl_json_patch,
)
from k9lite.analysis.stats import Outcome
from k9lite.model.pods import ContainerRunning, Pod

__all__ = ["YOUNG_SECONDS", "check_findings", "with_check"]

YOUNG_SECONDS = 30.0
"""A container running for less than this may still be starting its server."""

_FAILURES: tuple[Verdict, ...] = ("refused", "timeout", "no-address", "failed")


def _ms(outcome: Outcome) -> str:
    return f"{outcome.latency * 1000:.0f} ms"


def _where(check: PortCheck) -> str:
    port = check.port
    name = f" ({port.name})" if port.name else ""
    return f"port {port.port}{name} -> targetPort {port.target_port}"


def _targets(tried: Sequence[Tried]) -> str:
    """The number(s) the targetPort resolved to on these endpoints: "4000", "80, 8080"."""
    return ", ".join(str(n) for n in sorted({t.endpoint.port for t in tried}))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _answer_line(tried: Tried) -> str:
    outcome = tried.outcome
    said = ""
    if outcome.answer and outcome.answer != tried.endpoint.pod:
        said = f", answering as {outcome.answer}"
    return f"{tried.endpoint.label}: HTTP {outcome.status} in {_ms(outcome)}{said}"


def _failure_line(tried: Tried) -> str:
    return f"{tried.endpoint.label}: {tried.outcome.detail or tried.verdict}"


def _through_line(report: CheckReport, through: Sequence[Outcome]) -> str | None:
    if not through:
        return None
    answered = [o for o in through if verdict(o) == "answered"]
    line = f"{report.through_label}: {len(answered)} of {len(through)} requests answered"
    names = sorted({o.answer for o in answered if o.answer})
    if names:
        line += f" (by {', '.join(names)})"
    failed = next((o for o in through if verdict(o) != "answered"), None)
    if failed is not None:
        line += f"; {failed.detail}"
    return line


def _sample_line(check: PortCheck) -> list[str]:
    if len(check.tried) >= check.total:
        return []
    return [
        f"checked a sample: {len(check.tried)} of {check.total} ready endpoints, spread over nodes"
    ]


_SUPERSEDED = ("numeric-port-undeclared", "numeric-port-unverified")
"""What the configuration alone suggests of a targetPort, and a request to it settles."""


def with_check(
    findings: Sequence[Finding], facts: ServiceFacts, report: CheckReport
) -> tuple[Finding, ...]:
    """The passive `findings` with the check's, most severe first. For a port the check asked,
    what the pods answered replaces the guess from their declared ports: an undeclared
    targetPort that answers is no problem, and one that refuses is the check's error, with the
    undeclared port named as its cause."""
    asked = {check.port.port for check in report.ports if check.tried}
    kept = [f for f in findings if not (f.check in _SUPERSEDED and f.port in asked)]
    return by_severity([*kept, *check_findings(facts, report)])


def check_findings(
    facts: ServiceFacts, report: CheckReport, *, now: datetime | None = None
) -> list[Finding]:
    """What the active check of `facts.service` found, port by port."""
    findings: list[Finding] = []
    for check in report.ports:
        if check.skipped:
            findings.append(
                Finding("check-skipped", "info", f"{_where(check)}: not checked: {check.skipped}")
            )
            continue
        if not check.tried and not check.through:
            continue
        findings += _port_findings(facts, report, check, now or datetime.now(timezone.utc))
    return findings


def _port_findings(
    facts: ServiceFacts, report: CheckReport, check: PortCheck, now: datetime
) -> list[Finding]:
    unchecked = [t for t in check.tried if t.verdict in ("forbidden", "unchecked")]
    if unchecked:
        return [_unchecked(facts, check, unchecked[0])]
    by_verdict: dict[Verdict, list[Tried]] = {}
    for tried in check.tried:
        by_verdict.setdefault(tried.verdict, []).append(tried)
    answered = by_verdict.get("answered", [])
    failing = [t for v in _FAILURES for t in by_verdict.get(v, [])]
    erring = by_verdict.get("http-error", [])
    through = _through_line(report, check.through)
    findings: list[Finding] = []
    if failing:
        findings.append(_unreachable(facts, report, check, failing, answered, now))
    if erring:
        findings.append(_http_errors(facts, report, check, erring))
    if findings:
        if through:
            findings[0] = dataclasses.replace(
                findings[0], evidence=(*findings[0].evidence, through)
            )
        return findings
    if answered:
        findings.append(_all_answered(check, answered, through))
    if through and any(verdict(o) != "answered" for o in check.through):
        # The pods answer, the Service does not (or there was no pod to ask: the addresses of
        # a selector-less Service are reached through the Service alone).
        findings.append(
            Finding(
                "service-does-not-answer",
                "error",
                f"{_where(check)}: {through}",
                _speaks_otherwise(check, check.through),
                rule="A request through the Service reaches one of its ready endpoints; when "
                "every endpoint answers but the Service does not, the Service's port or the "
                "proxy in front of it is at fault.",
            )
        )
    elif through and not answered:
        findings.append(Finding("service-answers", "info", f"{_where(check)}: {through}"))
    return findings


def _all_answered(check: PortCheck, answered: list[Tried], through: str | None) -> Finding:
    count = len(answered)
    who = "the only ready endpoint" if count == 1 else f"each of the {count} ready endpoints"
    if all(t.endpoint.pod for t in answered):
        who = "the only pod" if count == 1 else f"each of the {count} pods"
    evidence = [*_sample_line(check), *(_answer_line(t) for t in answered)]
    if through:
        evidence.append(through)
    return Finding(
        "endpoints-answer",
        "info",
        f"{_where(check)}: {who} answered on {_targets(answered)}",
        tuple(evidence),
    )


def _unchecked(facts: ServiceFacts, check: PortCheck, tried: Tried) -> Finding:
    forbidden = tried.verdict == "forbidden"
    why = (
        "the user may not use the pod proxy"
        if forbidden
        else "the API server did not forward the request"
    )
    return Finding(
        "check-forbidden" if forbidden else "check-failed",
        "unknown",
        f"{_where(check)}: could not check whether the pods answer: {why}",
        (tried.outcome.detail,),
        "The API server forwards a request to a pod only for a user allowed `get` on "
        "pods/proxy; --via direct asks the pods themselves (from a node or a pod).",
        f"kubectl auth can-i get pods --subresource=proxy -n {facts.namespace}"
        if forbidden
        else None,
    )


def _unreachable(
    facts: ServiceFacts,
    report: CheckReport,
    check: PortCheck,
    failing: list[Tried],
    answered: list[Tried],
    now: datetime,
) -> Finding:
    total = len(failing) + len(answered) + sum(1 for t in check.tried if t.verdict == "http-error")
    kinds = {t.verdict for t in failing}
    refused = kinds == {"refused"}
    port = _targets(failing)
    how = "refuse the connection" if refused else "do not answer"
    if len(failing) == total == 1:
        does = "refuses the connection" if refused else "does not answer"
        title = f"{_where(check)}: no pod answers on {port}: the only ready endpoint {does}"
    elif len(failing) == total:
        title = f"{_where(check)}: no pod answers on {port}: all {total} ready endpoints {how}"
    else:
        title = f"{_where(check)}: {len(failing)} of {total} ready endpoints {how} on {port}"
    if kinds == {"timeout"}:
        title += f" (no answer within {report.timeout:g} s)"
    # The likely cause first, then each endpoint that failed.
    causes, fix = _causes(facts, check, failing, answered, now)
    evidence = [*causes, *_sample_line(check), *(_failure_line(t) for t in failing)]
    rule = (
        "A Service sends each connection to targetPort on a ready endpoint: a container must "
        "listen on that port (declaring a containerPort is only documentation), and a ready "
        "pod that does not is still sent traffic."
    )
    return Finding(
        "endpoint-refused" if refused else "endpoint-unreachable",
        "error",
        title,
        tuple(evidence),
        rule,
        fix or _look_at(facts, failing[0], kinds),
    )


def _look_at(facts: ServiceFacts, tried: Tried, kinds: set[Verdict]) -> str:
    pod = tried.endpoint.pod
    if pod is None:
        selector = f"kubernetes.io/service-name={facts.service.meta.name}"
        return f"kubectl get endpointslices -n {facts.namespace} -l {selector}"
    if kinds == {"timeout"}:
        return f"kubectl get networkpolicies -n {facts.namespace}"
    # A server usually logs the port it listens on.
    return f"kubectl logs {pod} -n {facts.namespace}"


def _causes(
    facts: ServiceFacts,
    check: PortCheck,
    failing: list[Tried],
    answered: list[Tried],
    now: datetime,
) -> tuple[list[str], str | None]:
    """Lines naming the likely cause, and a fix when one is sure."""
    lines = list(_speaks_otherwise(check, [t.outcome for t in failing]))
    fix = None
    pods = {pod.meta.name: pod for pod in facts.pods}
    target = check.port.target_port
    if isinstance(target, str) and answered:
        numbers = {t.endpoint.port for t in answered} - {t.endpoint.port for t in failing}
        if numbers:
            lines.append(
                f"targetPort {target} is {_targets(failing)} on the pods that fail and "
                f"{', '.join(str(n) for n in sorted(numbers))} on those that answer: their "
                "containers name different ports"
            )
    for tried in failing:
        pod = pods.get(tried.endpoint.pod or "")
        if pod is None:
            continue
        declared = sorted(
            {p.container_port for c in pod.containers for p in c.ports if p.protocol == "TCP"}
        )
        if tried.endpoint.port not in declared:
            shown = ", ".join(map(str, declared)) if declared else "none"
            lines.append(
                f"pod {pod.meta.name}'s containers declare no port {tried.endpoint.port} "
                f"(they declare {shown})"
            )
        young = _running_for(pod, now)
        if young is not None and young < YOUNG_SECONDS and not _answering(check):
            lines.append(
                f"pod {pod.meta.name} started {young:.0f} s ago and may not serve yet: a "
                "readinessProbe on the port keeps a pod out of the endpoints until it does"
            )
        break  # pods of one workload share the cause: the first one tells it
    answering = _answering(check)
    if answering:
        found = answering[0].endpoint
        lines.append(f"pod {found.pod} answers on port {found.port} instead")
        path = f"/spec/ports/{check.index}/targetPort"
        fix = kubectl_json_patch(
            facts.service, [{"op": "replace", "path": path, "value": found.port}]
        )
    elif check.elsewhere:
        tried_ports = ", ".join(str(t.endpoint.port) for t in check.elsewhere)
        lines.append(f"nothing answers on the pod's other likely ports either ({tried_ports})")
    return lines, fix


_HTTP_WORDS = ("http", "https", "kubernetes.io/h2c", "h2c")


def _speaks_otherwise(check: PortCheck, outcomes: Sequence[Outcome]) -> tuple[str, ...]:
    """A port that says it speaks HTTP, answered by something that is not HTTP."""
    port = check.port
    said = port.app_protocol or port.name
    says_http = said.lower() in _HTTP_WORDS or said.lower().startswith(("http-", "https-"))
    garbled = next((o for o in outcomes if verdict(o) == "failed"), None)
    if not says_http or garbled is None:
        return ()
    what = "appProtocol" if port.app_protocol else "name"
    return (
        f"the port's {what} {said} says HTTP, but what answers there does not speak it "
        f"({garbled.detail}): another protocol, or TLS where plain HTTP was expected",
    )


def _answering(check: PortCheck) -> list[Tried]:
    """The other ports a refusing pod answered on."""
    return [t for t in check.elsewhere if t.verdict in ("answered", "http-error")]


def _running_for(pod: Pod, now: datetime) -> float | None:
    """Seconds since the pod's last container started running; None when unknown."""
    starts = [
        status.state.started_at
        for status in pod.container_statuses
        if isinstance(status.state, ContainerRunning) and status.state.started_at is not None
    ]
    if not starts:
        return None
    return (now - max(starts)).total_seconds()


def _http_errors(
    facts: ServiceFacts, report: CheckReport, check: PortCheck, erring: list[Tried]
) -> Finding:
    pod = erring[0].endpoint.pod
    return Finding(
        "endpoint-http-error",
        "warning",
        f"{_where(check)}: {_plural(len(erring), 'ready endpoint')} answer "
        f"{report.path} with a server error",
        tuple(_failure_line(t) for t in erring),
        "A 5xx answer comes from the program in the pod: the Service reached it, the program "
        "failed the request.",
        f"kubectl logs {pod} -n {facts.namespace}" if pod else None,
    )
