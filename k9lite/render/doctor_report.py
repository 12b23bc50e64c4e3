"""The doctor's namespace report: a line per Service, as `kubectl get` lays out a table.

    NAME                         VERDICT   ENDPOINTS   FIRST PROBLEM
    clusterip-hostname-service   ✓ ok      2/2
    my-service                   ✗ error   0/0         the selector app=my-app-2 matches ...

ENDPOINTS is ready/total endpoint addresses. The verdict is the worst finding's severity in
words, behind a mark that reads without colour; names and titles quote the cluster and are
drawn literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from k9lite.analysis.doctor import Severity
from k9lite.render.doctor import SEVERITY_MARKS
from k9lite.render.literal import literal
from k9lite.render.tabwriter import align

__all__ = ["ServiceLine", "report_table", "verdict_text"]


def verdict_text(severity: Severity | None) -> str:
    """`✗ error`, `! warning`, `? unknown`; `✓ ok` when nothing is worse than info."""
    if severity in (None, "info"):
        return "✓ ok"
    return f"{SEVERITY_MARKS[severity]} {severity}"


@dataclass(frozen=True, slots=True)
class ServiceLine:
    namespace: str
    name: str
    verdict: Severity | None
    endpoints: str
    """ready/total, or "-" for a Service that has none by design (ExternalName)."""
    problem: str = ""

    @property
    def verdict_word(self) -> str:
        return verdict_text(self.verdict).split()[1]


def report_table(lines: Sequence[ServiceLine], *, every_namespace: bool) -> str:
    """The table, a Service a line; "No services found." as kubectl says for none."""
    if not lines:
        return "No services found.\n"
    header = ["NAME", "VERDICT", "ENDPOINTS", "FIRST PROBLEM"]
    rows = []
    for line in lines:
        cells = [literal(line.name), verdict_text(line.verdict), line.endpoints]
        cells.append(literal(line.problem))
        rows.append(cells if not every_namespace else [literal(line.namespace), *cells])
    if every_namespace:
        header.insert(0, "NAMESPACE")
    return align(["\t".join(cells) for cells in (header, *rows)], padding=3) + "\n"
