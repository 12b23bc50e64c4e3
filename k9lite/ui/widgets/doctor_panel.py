"""The doctor's findings about one Service, live: a list to open, each with its evidence."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from k9lite.analysis.doctor import DOCTOR_KINDS, Finding, diagnose
from k9lite.model.state import ClusterState
from k9lite.render.doctor import DoctorStyles, Findings
from k9lite.ui.live import follow_state
from k9lite.ui.theme import theme_colour

__all__ = ["DoctorPanel"]


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
        self, *, namespace: str, name: str, source: Callable[[], ClusterState], id: str = "doctor"
    ) -> None:
        super().__init__(id=id)
        self.service_namespace = namespace
        self.service_name = name
        self.source = source
        self.findings: tuple[Finding, ...] = ()
        self._seen: tuple[object, ...] | None = None

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
        if findings == self.findings and self.option_count:
            return
        self.findings = findings
        highlighted = self.highlighted
        styles = self.doctor_styles()
        self.clear_options()
        if not findings:
            self.add_option(Option(Findings((), styles=styles), disabled=True))
            return
        self.add_options(Option(Findings((f,), styles=styles, evidence=2)) for f in findings)
        self.highlighted = min(highlighted or 0, len(findings) - 1)

    def doctor_styles(self) -> DoctorStyles:
        colour = theme_colour(self.app)
        return DoctorStyles(
            error=f"bold {colour('error', 'red')}",
            warning=colour("warning", "yellow"),
            info=colour("accent", "cyan"),
            match=colour("success", "green"),
        )

    @on(OptionList.OptionSelected)
    def opened(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.findings):
            self.post_message(self.Opened(self.findings[event.option_index], self.doctor_styles()))
