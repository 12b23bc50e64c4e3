"""`k9lite diagnose [-n NS | -A] [SERVICE] [--no-check] [-o json]`: what is wrong with Services.

With a SERVICE: its findings, each with evidence, rule and fix. Without one: a line per Service
of the namespace (or of every namespace with -A), then the findings of those that need
attention, and of each Ingress route to a Service that does not exist. Unless `--no-check`,
each Service's ready endpoints are asked whether they answer (`traffic.check`). Exit status 1
when any finding is an error, else 2 when a check could not run (a kind the user may not list,
a proxy the user may not use), 0 otherwise.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.console import Console
from rich.text import Text

from k9lite.analysis.doctor import Finding, diagnose, ingress_findings, worst
from k9lite.analysis.doctor_findings import ServiceFacts
from k9lite.commands.ahead import ReadAhead
from k9lite.commands.output import print_trimmed
from k9lite.kube.proxy import ProxyAccess
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from k9lite.render.doctor import Findings, fix_line
from k9lite.render.doctor_report import ServiceLine, report_table
from k9lite.render.literal import json_line, literal

if TYPE_CHECKING:
    from k9lite.analysis.check_results import CheckReport
    from k9lite.traffic.check import CheckOptions

__all__ = ["Output", "print_diagnosis"]

Output = Literal["text", "json"]


@dataclass(frozen=True, slots=True)
class _Diagnosis:
    service: Service
    facts: ServiceFacts
    findings: tuple[Finding, ...]
    check: CheckReport | None

    @property
    def line(self) -> ServiceLine:
        meta = self.service.meta
        ready, total = len(self.facts.ready), self.facts.addresses
        serious = next((f for f in self.findings if f.severity != "info"), None)
        return ServiceLine(
            meta.namespace,
            meta.name,
            worst(self.findings),
            "-" if self.service.type == "ExternalName" else f"{ready}/{total}",
            serious.title if serious is not None else "",
        )


def print_diagnosis(
    access: ProxyAccess,
    read: ReadAhead[None],
    namespace: str | None,
    name: str | None,
    *,
    output: Output,
    check: CheckOptions | None,
) -> int:
    """Diagnose one Service, or every Service of `namespace` (None: of every namespace), from
    what `read` (`reads.read_diagnosis`) reads."""
    state, _ = read.result()
    services = sorted(
        state.objects("services", namespace), key=lambda s: (s.meta.namespace, s.meta.name)
    )
    reports: dict[tuple[str, str], CheckReport] = {}
    if check is not None:
        # Only a check pays for the HTTP client it sends with and for asyncio.
        import asyncio

        from k9lite.traffic.check import check_services

        proxy = access if check.via == "proxy" else None
        reports = asyncio.run(check_services(state, services, check, proxy))
    results = [_diagnosis(state, service, reports.get(service.meta.key)) for service in services]
    ingresses = _ingress_findings(state, namespace) if name is None else []
    if output == "json":
        documents = [_document(result) for result in results]
        documents += [_ingress_document(*found) for found in ingresses]
        sys.stdout.write(json_line(documents))
    elif name is not None:
        _print_findings(Console(highlight=False), results[0])
    else:
        _print_report(results, ingresses, every_namespace=namespace is None)
    worst_found = {worst(result.findings) for result in results}
    worst_found |= {finding.severity for _, _, finding in ingresses}
    if "error" in worst_found:
        return 1
    return 2 if "unknown" in worst_found else 0


def _diagnosis(state: ClusterState, service: Service, report: CheckReport | None) -> _Diagnosis:
    facts = ServiceFacts.of(state, service)
    findings = diagnose(state, service)
    if report is not None:
        # Only a check pays for the rules on its answers (and their statistics).
        from k9lite.analysis.doctor_check import with_check

        findings = with_check(findings, facts, report)
    return _Diagnosis(service, facts, findings, report)


def _ingress_findings(state: ClusterState, namespace: str | None) -> list[tuple[str, str, Finding]]:
    """(namespace, Ingress, finding) for each route to a Service that does not exist."""
    if namespace is not None:
        namespaces = [namespace]
    else:
        namespaces = sorted({i.meta.namespace for i in state.objects("ingresses")})
    return [
        (where, ingress, finding)
        for where in namespaces
        for ingress, finding in ingress_findings(state, where)
    ]


def _print_findings(console: Console, result: _Diagnosis) -> None:
    meta = result.service.meta
    console.print(Text(literal(f"Service {meta.namespace}/{meta.name}"), "bold"))
    if worst(result.findings) in (None, "info"):
        console.print(Findings(()))
    _print_each(console, result.findings)


def _print_each(console: Console, findings: Sequence[Finding]) -> None:
    for finding in findings:
        print_trimmed(console, Findings((finding,), fixes=False, evidence=len(finding.evidence)))
        if finding.fix:
            # One whole line, never wrapped, so that a copy gets the command whole.
            console.print(fix_line(finding), soft_wrap=True)


def _print_report(
    results: Sequence[_Diagnosis],
    ingresses: Sequence[tuple[str, str, Finding]],
    *,
    every_namespace: bool,
) -> None:
    console = Console(highlight=False)
    sys.stdout.write(report_table([r.line for r in results], every_namespace=every_namespace))
    for result in results:
        if worst(result.findings) in (None, "info"):
            continue
        console.print()
        _print_findings(console, result)
    for namespace, ingress, finding in ingresses:
        console.print()
        console.print(Text(literal(f"Ingress {namespace}/{ingress}"), "bold"))
        _print_each(console, [finding])


def _document(result: _Diagnosis) -> dict[str, object]:
    line = result.line
    return {
        "kind": "Service",
        "namespace": line.namespace,
        "service": line.name,
        "verdict": line.verdict_word,
        "endpoints": {"ready": len(result.facts.ready), "total": result.facts.addresses},
        "findings": [dataclasses.asdict(f) for f in result.findings],
        "check": dataclasses.asdict(result.check) if result.check is not None else None,
    }


def _ingress_document(namespace: str, ingress: str, finding: Finding) -> dict[str, object]:
    return {
        "kind": "Ingress",
        "namespace": namespace,
        "ingress": ingress,
        "verdict": finding.severity,
        "findings": [dataclasses.asdict(finding)],
    }
