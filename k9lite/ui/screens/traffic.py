"""`t` on a Service: fire test requests and watch which pods answer, live, by keyboard alone.

The tutorial's curl loop as a picture: a bar per pod (coloured by node, the node named), the
totals in large, the fairness verdict, the answers' log, and the previous run beside the current
one (before and after scaling). Every option of `k9lite probe` is one key, and the settings
line reads as the command that reproduces the run. `K` runs the same count kept-alive and with
a new connection each, side by side: kube-proxy spreads connections, not requests.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Footer, RichLog, Static
from textual.worker import Worker, WorkerState

from k9lite.analysis.stats import FAIRNESS_THRESHOLD, Summary
from k9lite.kube.config import Connection
from k9lite.model.state import ClusterState
from k9lite.render.histogram import Histogram
from k9lite.render.literal import literal
from k9lite.traffic.plan import PlannedProbe, plan_probe
from k9lite.traffic.runner import Reply
from k9lite.traffic.settings import ProbeSettings, TypedSetting, check_field, cycled
from k9lite.traffic.vantage import Via, ways_in
from k9lite.ui.keymap import Key, Keymap
from k9lite.ui.screens.ask import AskScreen
from k9lite.ui.widgets.message_line import MessageLine
from k9lite.ui.widgets.narration import NarrationPanel

__all__ = ["TRAFFIC_KEYS", "TrafficScreen"]

_REDRAW_SECONDS = 0.1
_LOG_LINES = 500
# The settings a key opens a question for: (setting, question).
_ASKED: dict[TypedSetting, str] = {
    "count": "Requests to send (count):",
    "concurrency": "Requests at once (concurrency):",
    "interval": "Seconds between requests (interval), per worker:",
    "match": "Regex whose one group names who answered (--match; empty: automatic):",
    "host": "Host header (for an ingress that routes by host; empty: none):",
    "url": "URL to send the requests to (--via url: a port-forward, an ingress):",
}
# The footer shows the main ones; the key line under the log shows every one.
TRAFFIC_KEYS = Keymap(
    (
        Key(
            "space,enter",
            "start_or_stop",
            "Start/Stop",
            "start; Space again stops (Esc stops, then goes back)",
        ),
        Key("r", "again", "Again", "the last run again, same settings", footer=False),
        Key(
            "v",
            "cycle_via",
            "Via",
            "the way in: proxy → nodeport → loadbalancer → clusterip → url (those the Service has)",
        ),
        Key("n", "cycle_node", "Node", "the node, for nodeport (all of them, or one)"),
        Key("p", "cycle_port", "Port", "the Service port", footer=False),
        Key(
            "c",
            "ask('count')",
            "Count",
            "how many requests (asks, and says what is wrong)",
            footer=False,
        ),
        Key("C", "ask('concurrency')", "Concurrency", "how many at once (asks)", footer=False),
        Key(
            "i",
            "ask('interval')",
            "Interval",
            "seconds between requests, per worker (asks)",
            footer=False,
        ),
        Key("k", "toggle_keepalive", "Keep-alive", "keep-alive on or off"),
        Key(
            "slash",
            "ask('match')",
            "Match",
            "a regex whose group names who answered (asks)",
            footer=False,
        ),
        Key("h", "ask('host')", "Host", "a Host header, for an ingress (asks)", footer=False),
        Key("u", "ask('url')", "URL", "a URL: a port-forward, an ingress (asks)", footer=False),
        Key(
            "K",
            "compare",
            "Compare",
            "the same count kept-alive, then a new connection each, side by side",
            word="keep-alive vs new",
        ),
        Key("z", "presenter", "Presenter", "presenter layout: only the bars and the totals"),
        Key("escape,q", "stop_or_back", "Stop/Back", "stop the run; then back", word="back"),
    )
)


class TrafficScreen(ModalScreen[None]):
    """Test traffic to one Service; the app's live state names the pods that answer."""

    BINDINGS: ClassVar[list[BindingType]] = TRAFFIC_KEYS.bindings()

    def __init__(
        self,
        *,
        connection: Connection,
        namespace: str,
        name: str,
        source: Callable[[], ClusterState],
        forwarded: Callable[[], str] = lambda: "",
    ) -> None:
        super().__init__()
        self.connection = connection
        self.forwarded = forwarded
        """The URL of a port-forward to this Service, if one runs: what `u` offers first."""
        self.service_namespace = namespace
        self.service_name = name
        self.source = source
        self.settings = ProbeSettings(name, namespace)
        self.current: PlannedProbe | None = None
        self.previous: PlannedProbe | None = None
        self.running = False
        self._queue: list[ProbeSettings] = []  # runs to start when this one ends (K)
        self._last: ProbeSettings | None = None
        self._started = 0.0
        self._ended: float | None = None
        self._lines: deque[str] = deque(maxlen=_LOG_LINES)
        self._dirty = False
        self._endpoints_seen = -1
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="traffic-frame") as frame:
            frame.border_title = Text(literal(f"traffic service/{self.service_name}"))
            yield Static(id="traffic-command", markup=False)
            yield Static("Space: start", id="traffic-status", markup=False)
            yield Static(id="traffic-totals", markup=False)
            with Horizontal(id="traffic-runs"):
                yield Static("no requests yet", id="run-now")
                yield Static(id="run-before")
            yield RichLog(max_lines=_LOG_LINES, id="traffic-log")
            yield Static(TRAFFIC_KEYS.summary(), id="traffic-keys", markup=False)
        yield NarrationPanel()
        yield MessageLine()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#run-before").display = False
        self._show_settings()

    # -- settings, a key each -------------------------------------------------------------------

    def _ways(self) -> list[Via]:
        service = self.source().get("services", self.service_namespace, self.service_name)
        return [*(ways_in(service) if service is not None else ["proxy"]), "url"]

    def set_via(self, via: Via) -> None:
        """Send the next run this way in (`v` cycles through the ways the Service has)."""
        self._change(replace(self.settings, via=via))

    def action_cycle_via(self) -> None:
        self.set_via(cycled(self._ways(), self.settings.via))

    def action_cycle_node(self) -> None:
        if self.settings.via != "nodeport":
            self._say("n picks the node of --via nodeport (v changes the way in)")
            return
        names = [node.meta.name for node in self.source().objects("nodes")]
        nodes: list[str | None] = [None, *sorted(names)]
        self._change(replace(self.settings, node=cycled(nodes, self.settings.node)))

    def action_cycle_port(self) -> None:
        service = self.source().get("services", self.service_namespace, self.service_name)
        ports: list[str | None] = [None]
        ports += [p.name or str(p.port) for p in service.ports] if service is not None else []
        self._change(replace(self.settings, port=cycled(ports, self.settings.port)))

    def action_toggle_keepalive(self) -> None:
        self._change(replace(self.settings, keepalive=not self.settings.keepalive))

    def action_ask(self, field: TypedSetting) -> None:
        value = getattr(self.settings, field)
        shown = "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
        if field == "url" and not shown:
            shown = self.forwarded()

        def answered(text: str | None) -> None:
            if text is not None:
                self._change(self.settings.with_field(field, text))

        check: Callable[[str], str | None] = lambda text: check_field(field, text)  # noqa: E731
        self.app.push_screen(AskScreen(_ASKED[field], shown, check), answered)

    def action_presenter(self) -> None:
        """Only the bars and the totals, for an audience."""
        self.toggle_class("-presenter")

    def _change(self, settings: ProbeSettings) -> None:
        self.settings = settings
        self._show_settings()

    def _show_settings(self) -> None:
        prefix = "next: " if self.running else ""
        self.query_one("#traffic-command", Static).update(prefix + self.settings.command())

    def _say(self, text: str) -> None:
        show = getattr(self.app, "show_message", None)
        if show is not None:
            show(text, level="warning")

    # -- starting and stopping ------------------------------------------------------------------

    def action_start_or_stop(self) -> None:
        if self.running:
            self._queue.clear()
            self.action_stop_or_back()
        else:
            self.action_start()

    def action_start(self) -> None:
        """Start a run with the current settings (nothing while one runs)."""
        if not self.running:
            self._start(self.settings)

    def action_again(self) -> None:
        """The last run again, with the settings it had."""
        if not self.running:
            self._start(self._last or self.settings)

    def action_compare(self) -> None:
        """`K`: the same count kept-alive, then with a new connection each, side by side."""
        if not self.running:
            self._queue = [replace(self.settings, keepalive=False)]
            self._start(replace(self.settings, keepalive=True))

    def _start(self, settings: ProbeSettings) -> None:
        try:
            state = self.source()
            service = state.get("services", self.service_namespace, self.service_name)
            if service is None:
                raise ValueError(f"service {self.service_name} is gone")
            planned = plan_probe(self.connection, state, service, settings.request())
        except ValueError as exc:  # no way in, no ready endpoint, an option: say why
            self._queue.clear()
            self._status(str(exc), error=True)
            return
        if self.current is not None:
            self.previous = self.current
            before = self.query_one("#run-before", Static)
            before.update(self._histogram(self.previous, "before"))
            before.display = True
        self.current, self._last = planned, settings
        self._lines.clear()
        self.query_one("#traffic-log", RichLog).clear()
        self.running = True
        self._started, self._ended = time.monotonic(), None
        self._show_settings()
        self._status("running…   Space or Esc: stop")
        # Answers arrive by the hundred a second: drawn ten times a second, while a run goes on.
        if self._ticker is not None:
            self._ticker.stop()
        self._ticker = self.set_interval(_REDRAW_SECONDS, self.redraw)
        self.run_probe(planned)

    def action_stop_or_back(self) -> None:
        if self.running and self.current is not None:
            self._queue.clear()
            self.current.probe.stop()
            return
        self.dismiss()

    @work(exclusive=True, group="probe", exit_on_error=False)
    async def run_probe(self, planned: PlannedProbe) -> None:
        try:
            await planned.probe.run(self._on_reply)
        finally:
            self.running = False
            if self._ticker is not None:
                self._ticker.stop()
            self._ended = time.monotonic()
            self._draw(expect=True)  # the last answers, against the endpoints at the end
            self._show_settings()

    @on(Worker.StateChanged)
    def next_in_queue(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "probe" and event.state == WorkerState.SUCCESS and self._queue:
            self._start(self._queue.pop(0))

    def _on_reply(self, reply: Reply) -> None:
        if self.current is not None:
            self.current.tally.add(reply.outcome)
        self._lines.append(reply.line)
        self._dirty = True

    # -- drawing --------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Ten times a second at most: the bars, the totals, the new log lines, the status."""
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
        summary = self.current.tally.summary()
        self.query_one("#run-now", Static).update(self._histogram(self.current, "now", summary))
        self.query_one("#traffic-totals", Static).update(self._totals(summary))
        log = self.query_one("#traffic-log", RichLog)
        while self._lines:
            log.write(Text(literal(self._lines.popleft())))
        sent = f"{summary.sent:,} of {self.current.probe.options.count:,} sent"
        if self.running:
            self._status(f"running: {sent}   Space or Esc: stop")
        else:
            self._status(f"done: {sent}   Space: run   r: again   Esc: back")

    def _totals(self, summary: Summary) -> Text:
        """`✓ 98 answered  ✗ 2 failed  412 req/s  ✓ fair (p=0.62)`: large, readable from afar."""
        seconds = (self._ended or time.monotonic()) - self._started
        rate = summary.sent / seconds if seconds > 0 else 0.0
        totals = Text.assemble(
            ("✓ ", "bold"),
            (f"{summary.answered:,} answered", "bold"),
            "   ",
            ("✗ " if summary.failed else "  ", "bold"),
            (f"{summary.failed:,} failed", "bold" if summary.failed else ""),
            f"   {rate:,.0f} req/s",
        )
        p = summary.fairness_p
        if p is not None:
            verdict = "✓ spread as expected" if p >= FAIRNESS_THRESHOLD else "✗ uneven"
            totals.append(f"   {verdict} (p={p:.2g})", "bold")
        return totals

    def _histogram(
        self, planned: PlannedProbe, when: str, summary: Summary | None = None
    ) -> Histogram:
        summary = summary or planned.tally.summary()
        return Histogram(summary, title=planned.headline(when), note=planned.note(summary))

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#traffic-status", Static)
        status.update(("✗ " if error else "") + literal(text))
        status.set_class(error, "-error")
