"""`k9lite diagnose [-n NS] [SERVICE | --all] [--json]`: what is wrong with Services, and fixes.

Exit status 1 when any finding is an error, else 2 when a check could not run (a kind the user
may not list), 0 otherwise.
"""

from __future__ import annotations

import dataclasses
import sys

from rich.console import Console
from rich.text import Text

from k9lite.analysis.doctor import DOCTOR_KINDS, Finding, diagnose, worst
from k9lite.commands.lookup import CommandFailed, namespace_state, not_found
from k9lite.kube.config import Connection
from k9lite.render.doctor import Findings, fix_line
from k9lite.render.literal import json_line, literal

__all__ = ["print_diagnosis"]


def print_diagnosis(connection: Connection, namespace: str, name: str | None, *, json: bool) -> int:
    """Diagnose one Service (or every Service of the namespace) and print the findings."""
    # All namespaces where allowed: the pods a selector was meant for may run elsewhere.
    with namespace_state(
        connection, namespace, DOCTOR_KINDS, "the diagnosis", everywhere=True
    ) as state:
        services = sorted(state.objects("services", namespace), key=lambda s: s.meta.name)
        if name is not None:
            services = [s for s in services if s.meta.name == name]
            if not services:
                raise CommandFailed(not_found(state, namespace, name))
        results = [(service.meta.name, diagnose(state, service)) for service in services]
    if json:
        document = [
            {"namespace": namespace, "service": service, "findings": [_plain(f) for f in found]}
            for service, found in results
        ]
        sys.stdout.write(json_line(document))
    else:
        console = Console(highlight=False)
        for index, (service, found) in enumerate(results):
            if index:
                console.print()
            console.print(Text(literal(f"Service {namespace}/{service}"), "bold"))
            if not found:
                console.print(Findings(()))
            for finding in found:
                console.print(Findings((finding,), fixes=False))
                if finding.fix:
                    console.print(fix_line(finding), soft_wrap=True)
    worst_found = {worst(found) for _, found in results}
    if "error" in worst_found:
        return 1
    return 2 if "unknown" in worst_found else 0


def _plain(finding: Finding) -> dict[str, object]:
    return dataclasses.asdict(finding)
