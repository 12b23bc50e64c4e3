"""The Service doctor's findings as text, for `k9lite diagnose` and the TUI.

    ✗ error  the selector app=my-app-2 matches Deployment my-deployment's own labels, not its pods'
      Deployment my-deployment: app=my-app-2; its pods: app=my-app
      rule: A Service selects Pods by their labels; ...
      fix:  kubectl patch service my-service -n default -p '{"spec":{"selector":{"app":"my-app"}}}'

Readable without colour: each finding starts with its severity in words and a mark (✗ error,
! warning, i info). The label comparison puts the selector beside each candidate's labels, a
mark per label: = the same, ≠ another value, ~ the same but for letter case, - missing.
Titles, evidence and labels quote the cluster: each is drawn as literal text (`render.literal`),
never as markup, which a `[/]` in a label value or a message would break.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from k9lite.analysis.doctor import Candidate, Finding, LabelVerdict, Severity
from k9lite.render.literal import literal

__all__ = [
    "MARKED",
    "SEVERITY_MARKS",
    "DoctorStyles",
    "FindingDetail",
    "Findings",
    "LabelComparison",
    "fix_line",
    "verdict_mark",
]

SEVERITY_MARKS: dict[Severity, str] = {"error": "✗", "unknown": "?", "warning": "!", "info": "i"}
MARKED: tuple[Severity, ...] = ("error", "warning", "unknown")
"""The verdicts a Service is marked with in the TUI; info only, or nothing, is ok: no mark."""
VERDICT_MARKS: dict[LabelVerdict, str] = {
    "match": "=",
    "different": "≠",
    "case": "~",
    "missing": "-",
}


@dataclass(frozen=True, slots=True)
class DoctorStyles:
    """Rich styles of the findings; the TUI passes its theme's colours."""

    error: str = "bold red"
    unknown: str = "bold magenta"
    warning: str = "yellow"
    info: str = "cyan"
    detail: str = "dim"
    fix: str = "bold"
    match: str = "green"

    def severity(self, severity: Severity) -> str:
        style: str = getattr(self, severity)
        return style


def _finding(finding: Finding, styles: DoctorStyles, limit: int, *, fix: bool) -> Table:
    """A finding as a two-column grid: wrapped lines stay under the title, not under the mark."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, width=9)
    grid.add_column(overflow="fold")
    style = styles.severity(finding.severity)
    grid.add_row(
        Text(f"{SEVERITY_MARKS[finding.severity]} {finding.severity}", style),
        Text(literal(finding.title)),
    )
    for line in finding.evidence[:limit]:
        grid.add_row("", Text(literal(line)))
    if len(finding.evidence) > limit:
        grid.add_row("", Text(f"… and {len(finding.evidence) - limit} more", styles.detail))
    if finding.rule:
        grid.add_row(Text("  rule", styles.detail), Text(literal(finding.rule), styles.detail))
    if fix and finding.fix:
        grid.add_row(Text("  fix", styles.detail), Text(literal(finding.fix), styles.fix))
    return grid


def verdict_mark(severity: Severity | None) -> str:
    """The mark after a Service's name: ✗ error, ! warning, ? unknown (could not check); none
    when ok. A character, so it reads without colour."""
    return "" if severity is None or severity not in MARKED else SEVERITY_MARKS[severity]


def fix_line(finding: Finding, styles: DoctorStyles | None = None) -> Text:
    """`  fix      kubectl ...`: print it with soft_wrap=True, so a terminal folds it and a copy
    gets the command whole (a wrapped one would break at the newline)."""
    styles = styles or DoctorStyles()
    return Text.assemble(("  fix     ", styles.detail), (literal(finding.fix or ""), styles.fix))


@dataclass(frozen=True, slots=True)
class Findings:
    """Every finding of one Service, evidence, rule and fix under each."""

    findings: Sequence[Finding]
    title: str = ""
    styles: DoctorStyles = DoctorStyles()
    evidence: int = 6
    """Evidence lines shown a finding; the rest is counted."""
    fixes: bool = True
    """Show each fix, folded to the width; the CLI prints them itself with `fix_line`."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        styles = self.styles
        if self.title:
            yield Text(literal(self.title), "bold")
        if not self.findings:
            yield Text.assemble(("✓ ", styles.match), "no problems found")
            return
        for finding in self.findings:
            yield _finding(finding, styles, self.evidence, fix=self.fixes)


@dataclass(frozen=True, slots=True)
class LabelComparison:
    """The selector beside each candidate's labels, one row a candidate, a column a key."""

    candidates: Sequence[Candidate]
    styles: DoctorStyles = DoctorStyles()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.candidates:
            return
        styles = self.styles
        keys = [check.key for check in self.candidates[0].checks]
        table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
        table.add_column("object", overflow="ellipsis", no_wrap=True)
        wanted = {check.key: check.wanted for check in self.candidates[0].checks}
        for key in keys:
            table.add_column(
                Text(literal(f"{key}={wanted[key]}")), overflow="ellipsis", no_wrap=True
            )
        for candidate in self.candidates:
            cells = []
            for check in candidate.checks:
                style = styles.match if check.verdict == "match" else styles.error
                found = check.found if check.found is not None else "(none)"
                if check.found_key not in (None, check.key):
                    found = f"{check.found_key}={found}"  # the key itself differs in case
                cells.append(
                    Text.assemble((f"{VERDICT_MARKS[check.verdict]} ", style), literal(found))
                )
            table.add_row(Text(literal(_object(candidate))), *cells)
        yield Text("selector beside the nearest objects (= same, ≠ other, ~ case, - missing):")
        yield table


def _object(candidate: Candidate) -> str:
    """`Pod x`, `Deployment x (pod template)`, `Deployment x (own labels)`."""
    kind, name = candidate.kind, candidate.name
    if candidate.own:
        return f"{kind} {name} (own labels)"
    if kind in ("Deployment", "ReplicaSet"):
        return f"{kind} {name} (pod template)"
    return f"{kind} {name}"


@dataclass(frozen=True, slots=True)
class FindingDetail:
    """One finding opened: all its evidence, the label comparison, the rule and the fix."""

    finding: Finding
    styles: DoctorStyles = DoctorStyles()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        finding = self.finding
        parts: list[RenderableType] = [
            _finding(finding, self.styles, len(finding.evidence), fix=True)
        ]
        if finding.candidates:
            parts += [Text(), LabelComparison(finding.candidates, self.styles)]
        yield Group(*parts)
