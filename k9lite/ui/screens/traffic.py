"""`t` on a Service: fire test requests and watch which pods answer, live.

The tutorial's curl loop as a picture: a histogram of answers per pod (coloured by node), the
latency and the errors, a scrolling log of the answers, and the previous run beside the current
one (before and after scaling). Enter starts, Esc stops a run, and leaves when none runs.
The log and the statuses quote HTTP bodies and errors: shown literally, never as markup.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Label, RichLog, Select, Static

from k9lite.analysis.stats import Tally
from k9lite.kube.config import Connection
from k9lite.model.state import ClusterState
from k9lite.render.histogram import Histogram
from k9lite.render.literal import literal
from k9lite.traffic.plan import PlannedProbe, ProbeRequest, plan_probe
from k9lite.traffic.runner import ProbeOptions, Reply
from k9lite.traffic.vantage import Via, ways_in
from k9lite.ui.widgets.message_line import MessageLine
from k9lite.ui.widgets.narration import NarrationPanel

__all__ = ["TrafficScreen"]

_REDRAW_SECONDS = 0.1
_LOG_LINES = 500


class TrafficScreen(ModalScreen[None]):
    """Test traffic to one Service; the app's live state names the pods that answer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start", priority=True),
        Binding("escape", "stop_or_back", "Stop / Back", key_display="Esc"),
    ]

    def __init__(
        self,
        *,
        connection: Connection,
        namespace: str,
        name: str,
        source: Callable[[], ClusterState],
    ) -> None:
        super().__init__()
        self.connection = connection
        self.service_namespace = namespace
        self.service_name = name
        self.source = source
        self.current: PlannedProbe | None = None
        self.previous: PlannedProbe | None = None
        self.running = False
        self._lines: deque[str] = deque(maxlen=_LOG_LINES)
        self._dirty = False
        self._endpoints_seen = -1

    def compose(self) -> ComposeResult:
        service = self.source().get("services", self.service_namespace, self.service_name)
        ways = ways_in(service) if service is not None else ["proxy"]
        with Vertical(id="traffic-frame") as frame:
            frame.border_title = Text(literal(f"traffic service/{self.service_name}"))
            with Horizontal(id="traffic-options"):
                yield Label("via")
                yield Select(
                    [(way, way) for way in ways], value=ways[0], allow_blank=False, compact=True,
                    id="via",
                )  # fmt: skip
                yield Label("count")
                yield Input("100", type="integer", compact=True, id="count")
                yield Label("conc")
                yield Input("1", type="integer", compact=True, id="concurrency")
                yield Label("sleep")
                yield Input("0", type="number", compact=True, id="interval")
                yield Checkbox("keep-alive", compact=True, id="keepalive")
            yield Static("Enter: start   Esc: stop, then back", markup=False, id="traffic-status")
            with Horizontal(id="traffic-runs"):
                yield Static("no requests yet", id="run-now")
                yield Static(id="run-before")
            yield RichLog(max_lines=_LOG_LINES, id="traffic-log")
        yield NarrationPanel()
        yield MessageLine()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#run-before").display = False
        self.query_one("#count", Input).focus()
        self.set_interval(_REDRAW_SECONDS, self.redraw)

    # -- starting and stopping ------------------------------------------------------------------

    def action_start(self) -> None:
        if self.running:
            return
        try:
            request = self._request()
            state = self.source()
            service = state.get("services", self.service_namespace, self.service_name)
            if service is None:
                raise ValueError(f"service {self.service_name} is gone")
            planned = plan_probe(self.connection, state, service, request)
        except ValueError as exc:  # a bad option, no way in, no ready endpoint: say why
            self._status(str(exc), error=True)
            return
        if self.current is not None:
            self.previous = self.current
            before = self.query_one("#run-before", Static)
            before.update(self._histogram(self.previous, "before"))
            before.display = True
        self.current = planned
        self._lines.clear()
        self.query_one("#traffic-log", RichLog).clear()
        self.running = True
        self._status("running…   Esc: stop")
        self.run_probe(planned)

    def action_stop_or_back(self) -> None:
        if self.running and self.current is not None:
            self.current.probe.stop()
            return
        self.dismiss()

    @work(exclusive=True, group="probe", exit_on_error=False)
    async def run_probe(self, planned: PlannedProbe) -> None:
        try:
            await planned.probe.run(self._on_reply)
        finally:
            self.running = False
            self._draw(expect=True)  # the last answers, against the endpoints at the end

    def _on_reply(self, reply: Reply) -> None:
        if self.current is not None:
            self.current.tally.add(reply.outcome)
        self._lines.append(reply.line)
        self._dirty = True

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_start()

    # -- drawing --------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Ten times a second at most: the histogram, the new log lines, the status line."""
        if self._dirty:
            # While a run goes on, pods scaled in get their share; a finished run keeps its own.
            self._draw(expect=self.running)

    def _draw(self, *, expect: bool) -> None:
        if self.current is None:
            return
        self._dirty = False
        state = self.source()
        service = state.get("services", self.service_namespace, self.service_name)
        changed = state.version("endpointslices") != self._endpoints_seen
        if expect and service is not None and changed:
            self._endpoints_seen = state.version("endpointslices")
            self.current.expect_from(state, service)
        self.query_one("#run-now", Static).update(self._histogram(self.current, "now"))
        log = self.query_one("#traffic-log", RichLog)
        while self._lines:
            log.write(Text(literal(self._lines.popleft())))
        tally: Tally = self.current.tally
        summary_line = f"{tally.sent:,} of {self.current.probe.options.count:,} sent"
        if self.running:
            self._status(f"running: {summary_line}   Esc: stop")
        else:
            self._status(f"done: {summary_line}   Enter: run again   Esc: back")

    def _histogram(self, planned: PlannedProbe, when: str) -> Histogram:
        summary = planned.tally.summary()
        return Histogram(summary, title=f"{when} {planned.how}", note=planned.note(summary))

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#traffic-status", Static)
        status.update(literal(text))
        status.set_class(error, "-error")

    def _request(self) -> ProbeRequest:
        via: Via = self.query_one("#via", Select).value  # type: ignore[assignment]
        options = ProbeOptions(
            count=_number(self.query_one("#count", Input).value, "count", int),
            concurrency=_number(self.query_one("#concurrency", Input).value, "conc", int),
            interval=_number(self.query_one("#interval", Input).value, "sleep", float),
            keepalive=self.query_one("#keepalive", Checkbox).value,
        )
        return ProbeRequest(self.service_name, via, options.check())


NumberT = TypeVar("NumberT", int, float)


def _number(text: str, what: str, kind: Callable[[str], NumberT]) -> NumberT:
    try:
        return kind(text.strip())
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a number") from None
