"""The doctor's findings about one Service, live: a list to open, each with its evidence.

The passive findings follow the cluster state; with a `checker`, the Service's ready endpoints
are also asked whether they answer (`traffic.check`), once when the panel opens and again when
the Service or its ready endpoints change, so a fix shows its effect without a key press.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timezone

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from k9lite.analysis.check_results import CheckReport, Endpoint
from k9lite.analysis.doctor import DOCTOR_KINDS, Finding, diagnose, worst
from k9lite.analysis.doctor_check import with_check
from k9lite.analysis.doctor_findings import ServiceFacts
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from k9lite.render.doctor import DoctorStyles, Findings
from k9lite.render.literal import literal
from k9lite.traffic.check import ready_endpoints
from k9lite.ui.live import follow_state
from k9lite.ui.theme import theme_colour

__all__ = ["Checker", "DoctorPanel"]

Checker = Callable[[Service], Awaitable[CheckReport]]
"""Asks a Service's ready endpoints whether they answer."""

_Checked = tuple[Service, tuple[tuple[Endpoint, ...], ...]]
"""What a check asked: the Service as it was, and each port's ready endpoints."""


class DoctorPanel(OptionList):
    """One option a finding (severity, title, the first evidence, the fix); Enter opens it."""

    DEFAULT_CSS = """
    DoctorPanel {
        height: auto;
        max-height: 24;
    }
    """

    class Opened(Message):
        """A finding was opened (Enter)."""

        def __init__(self, finding: Finding, styles: DoctorStyles) -> None:
            super().__init__()
            self.finding = finding
            self.styles = styles

    def __init__(
        self,
        *,
        namespace: str,
        name: str,
        source: Callable[[], ClusterState],
        checker: Checker | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        id: str = "doctor",
    ) -> None:
        super().__init__(id=id)
        self.service_namespace = namespace
        self.service_name = name
        self.source = source
        self.checker = checker
        self.clock = clock
        self.findings: tuple[Finding, ...] = ()
        self.report: CheckReport | None = None
        self._seen: tuple[object, ...] | None = None
        self._checked: _Checked | None = None

    def on_mount(self) -> None:
        self.border_title = "diagnosis (Enter opens a finding)"
        self.rediagnose()
        follow_state(self, self.rediagnose)

    def rediagnose(self) -> None:
        """Diagnose again when the state, or any kind a diagnosis reads, changed."""
        state = self.source()
        seen = (id(state), *(state.version(kind) for kind in DOCTOR_KINDS))
        if seen == self._seen:
            return
        self._seen = seen
        service = state.get("services", self.service_namespace, self.service_name)
        findings = diagnose(state, service) if service is not None else ()
        if service is not None and self.checker is not None:
            asked = (
                service,
                tuple(tuple(ready_endpoints(state, service, p)) for p in service.ports),
            )
            if asked != self._checked:
                self._checked = asked
                self.check(service)
            elif self.report is not None:
                findings = with_check(findings, ServiceFacts.of(state, service), self.report)
        if findings == self.findings and self.option_count:
            return
        self.findings = findings
        highlighted = self.highlighted
        styles = self.doctor_styles()
        self.clear_options()
        if worst(findings) in (None, "info"):
            # The verdict first, as `k9lite diagnose` prints it; what the check saw follows.
            self.add_option(Option(Findings((), styles=styles), disabled=True))
        first = self.option_count
        self.add_options(
            Option(Findings((f,), styles=styles, evidence=2), id=str(i))
            for i, f in enumerate(findings)
        )
        if findings:
            self.highlighted = min(max(highlighted or 0, first), self.option_count - 1)

    def doctor_styles(self) -> DoctorStyles:
        colour = theme_colour(self.app)
        return DoctorStyles(
            error=f"bold {colour('error', 'red')}",
            warning=colour("warning", "yellow"),
            info=colour("accent", "cyan"),
            match=colour("success", "green"),
        )

    @work(exclusive=True, group="check", exit_on_error=False)
    async def check(self, service: Service) -> None:
        """Ask the Service's ready endpoints; a newer check cancels this one."""
        assert self.checker is not None
        self.border_subtitle = "asking the pods…"
        self.report = None
        try:
            self.report = await self.checker(service)
        except Exception as exc:  # noqa: BLE001 - whatever stopped it is said, the panel stays
            self.border_subtitle = Text(literal(f"could not ask the pods: {exc}"))
            return
        self.border_subtitle = f"pods asked {self.clock().astimezone():%H:%M:%S}"
        self._seen = None
        self.rediagnose()

    @on(OptionList.OptionSelected)
    def opened(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            finding = self.findings[int(event.option_id)]
            self.post_message(self.Opened(finding, self.doctor_styles()))
