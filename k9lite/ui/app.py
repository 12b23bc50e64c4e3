"""The k9lite app: a live browser of Deployments, Pods, Services, Nodes and Namespaces."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, ClassVar

import yaml
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from k9lite.kube import actions
from k9lite.kube.config import Connection, context_names, switch_context
from k9lite.kube.errors import KubeError
from k9lite.kube.feed import StateFeed
from k9lite.kube.watch import ClusterWatcher
from k9lite.model.collector import keep_loaded_objects
from k9lite.model.kinds import KINDS
from k9lite.model.selectors import LabelSelector, SelectorError
from k9lite.paths import STYLES
from k9lite.render.describe import describe
from k9lite.render.doctor import FindingDetail
from k9lite.render.rows import VIEWS, ViewSpec, view_for
from k9lite.ui.browser import Browser, Scope
from k9lite.ui.screens.confirm import ConfirmScreen, ScaleScreen
from k9lite.ui.screens.text_screen import TextScreen
from k9lite.ui.screens.traffic import TrafficScreen
from k9lite.ui.widgets.doctor_panel import DoctorPanel
from k9lite.ui.widgets.resource_table import ResourceTable
from k9lite.ui.widgets.route_panel import RoutePanel
from k9lite.ui.widgets.status_header import StatusHeader, connection_summary

__all__ = ["AppOptions", "K9liteApp"]

_REFRESH_SECONDS = 0.1
_AGE_TICKS = 10  # each AGE cell once a second, a tenth of them each tick
_FULL_TICKS = 300  # every row every 30 s


@dataclass(frozen=True, slots=True)
class AppOptions:
    """What the command line decided: where to connect and how to start."""

    connection: Connection
    namespace: str | None  # None: all namespaces
    readonly: bool = False
    start_view: str = "pods"
    watch: bool = True  # False: show only what is put in the feed (snapshots, screenshots)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))


class K9liteApp(App[None]):
    """k9s habits: `:` switches views, `/` filters, Enter drills down, Esc goes back."""

    CSS_PATH: ClassVar[list[str | Any]] = [STYLES / "app.tcss", STYLES / "screens.tcss"]
    TITLE = "k9lite"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the app opens the prompt as the key arrives, so the keys typed right after
        # it (`:svc` pasted, or sent by tmux in one go) reach the prompt, not the table.
        Binding(":", "prompt('command')", "Command", key_display=":", priority=True),
        Binding("/", "prompt('filter')", "Filter", key_display="/", priority=True),
        Binding("escape", "go_back", "Back", show=False),
        Binding("d", "describe", "Describe"),
        Binding("y", "yaml", "YAML"),
        Binding("r", "route", "Route"),
        Binding("t", "traffic", "Traffic"),
        Binding("s", "scale", "Scale"),
        Binding("ctrl+d", "delete", "Delete"),
        Binding("0", "all_namespaces", "All ns"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    class ActionDone(Message):
        """A scale, delete or YAML fetch finished (in a worker thread)."""

        def __init__(self, message: str, *, error: bool = False, text: str = "") -> None:
            super().__init__()
            self.message = message
            self.error = error
            self.text = text

    def __init__(self, options: AppOptions, *, feed: StateFeed | None = None) -> None:
        super().__init__()
        self.options = options
        self.connection = options.connection
        self.feed = feed or StateFeed()
        self.watcher: ClusterWatcher | None = None
        self._prompt_mode = "command"
        self._history: list[tuple[ViewSpec, Scope | None]] = []
        self._ticks = 0
        self._message = ("", False)
        self._heap_settled = False

    # -- layout and lifecycle -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        view = view_for(self.options.start_view) or view_for("pods")
        assert view is not None
        yield Browser(view=view, namespace=self.options.namespace)
        yield Static(id="message")
        yield Input(id="prompt")
        yield Footer()

    def on_mount(self) -> None:
        header = self.query_one(StatusHeader)
        header.context = self.connection.context
        header.server = self.connection.server
        header.namespace = self.options.namespace or "all"
        header.readonly = self.options.readonly
        self.browser.table.focus()
        if self.options.watch:
            self.start_watching()
        self.set_interval(_REFRESH_SECONDS, self.refresh_state)

    def start_watching(self) -> None:
        """Watch the cluster on background threads; their events land in the feed's state."""
        self.watcher = ClusterWatcher(
            self.connection,
            self.feed,
            namespace=self.options.namespace,
            first=(self.browser.view.kind,),
        ).start()

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    @property
    def browser(self) -> Browser:
        return self.query_one(Browser)

    # -- the live feed --------------------------------------------------------------------------

    def refresh_state(self) -> None:
        """At most ten times a second: patch the view with what changed since the last time."""
        if not self.is_running:
            return  # shutting down: the widgets are being removed
        statuses = self.feed.drain_statuses()
        if statuses is not None:
            header = self.query_one(StatusHeader)
            header.connection, header.problem = connection_summary(statuses)
        changes = self.feed.state.drain_changes()
        if not self._heap_settled and all(self.feed.state.loaded(k) for k in KINDS):
            self._heap_settled = True
            keep_loaded_objects()
        self._ticks += 1
        now = self.options.clock()
        browser = self.browser
        # Now and then every row, for what else moves with time ("3 (5m ago)" restarts).
        full = self._ticks % _FULL_TICKS == 0
        if full or browser.wants_refresh(changes):
            browser.refresh_rows(self.feed.state, now, changes=None if full else changes)
        browser.refresh_ages(now, self._ticks % _AGE_TICKS, _AGE_TICKS)
        status = self.feed.status_of(browser.view.kind)
        if status is not None and status.state == "forbidden":
            self.show_message(f"{browser.view.title}: {status.message}", error=True)

    # -- messages to the user -------------------------------------------------------------------

    def show_message(self, text: str, *, error: bool = False) -> None:
        if (text, error) == self._message:
            return  # the refresh repeats a standing message ten times a second
        self._message = (text, error)
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(bool(text), "-visible")
        message.set_class(error, "-error")

    # -- the prompt: `:` commands and `/` filters -----------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "prompt":
            # Not over a describe or scale screen, and `:` or `/` typed in a prompt is text.
            return self.screen is self.screen_stack[0] and not isinstance(self.focused, Input)
        return True

    def action_prompt(self, mode: str) -> None:
        self._prompt_mode = mode
        prompt = self.query_one("#prompt", Input)
        prompt.value = ""
        prompt.placeholder = (
            "deploy | po | svc | no | ns | ctx [NAME]   (Enter to switch, Esc to cancel)"
            if mode == "command"
            else "text, or -l key=value for a label selector"
        )
        # Shown and focused now, not after the next style pass: keys that arrive with the `:`
        # (a paste, a fast typist, tmux send-keys) belong to the prompt. A hidden widget
        # cannot take the focus, and a class change shows it only once styles are refreshed.
        prompt.display = True
        self.screen.set_focus(prompt)

    def _close_prompt(self) -> None:
        prompt = self.query_one("#prompt", Input)
        prompt.display = False
        self.browser.table.focus()

    @on(Input.Submitted, "#prompt")
    def prompt_submitted(self, event: Input.Submitted) -> None:
        self._close_prompt()
        text = event.value.strip()
        if self._prompt_mode == "command":
            self.run_command(text)
        else:
            self.apply_filter(text)

    def run_command(self, text: str) -> None:
        name = text.lstrip(":").split()[0] if text.strip(": ") else ""
        if name in ("q", "quit"):
            self.exit()
            return
        if name in ("ctx", "context", "contexts"):
            self.change_context(text.split()[1] if len(text.split()) > 1 else "")
            return
        view = view_for(name)
        if view is None:
            self.show_message(f"unknown command {text!r}: try deploy, po, svc, no, ns", error=True)
            return
        self.go_to(view)

    def change_context(self, context: str) -> None:
        """`:ctx` lists the kubeconfig's contexts; `:ctx NAME` watches that one instead."""
        try:
            if not context:
                names = context_names(self.connection)
                marked = [f"{n} (current)" if n == self.connection.context else n for n in names]
                self.show_message("contexts: " + ", ".join(marked) + "   (:ctx NAME to switch)")
                return
            connection = switch_context(self.connection, context)
        except KubeError as exc:
            self.show_message(str(exc), error=True)
            return
        if self.watcher is not None:
            self.watcher.stop()
        self.connection = connection
        namespace = None if self.options.namespace is None else connection.namespace
        self.options = replace(self.options, connection=connection, namespace=namespace)
        self.feed = StateFeed()
        header = self.query_one(StatusHeader)
        header.context, header.server = connection.context, connection.server
        header.namespace = namespace or "all"
        self.browser.set_namespace(namespace)
        self.show_message(f"switched to context {connection.context}")
        if self.options.watch:
            self.start_watching()

    def go_to(self, view: ViewSpec, scope: Scope | None = None) -> None:
        """Open a view, remembering the current one for Esc."""
        self._history.append((self.browser.view, self.browser.scope))
        self.switch_view(view, scope)

    def switch_view(self, view: ViewSpec, scope: Scope | None = None) -> None:
        self.show_message("")
        self.browser.show(view, scope=scope)
        self.browser.refresh_rows(self.feed.state, self.options.clock())

    def apply_filter(self, text: str) -> None:
        browser = self.browser
        if text.startswith("-l"):
            try:
                browser.label_selector = LabelSelector.parse(text[2:].strip())
            except SelectorError as exc:
                self.show_message(f"bad label selector: {exc}", error=True)
                return
            browser.set_text_filter("")
        else:
            browser.label_selector = None
            browser.set_text_filter(text)
        self.show_message("")
        browser.refresh_rows(self.feed.state, self.options.clock())

    # -- navigation -----------------------------------------------------------------------------

    @on(ResourceTable.RowSelected)
    def drill_down(self, event: ResourceTable.RowSelected) -> None:
        """Enter: a Deployment's pods, or the pods a Service selects (its endpoints)."""
        browser = self.browser
        obj = browser.selected(self.feed.state)
        if obj is None or browser.view.kind not in ("deployments", "services"):
            return
        pods = view_for("pods")
        assert pods is not None
        self.go_to(pods, Scope(browser.view.kind, obj.meta.namespace, obj.meta.name))

    def action_go_back(self) -> None:
        prompt = self.query_one("#prompt", Input)
        if prompt.display:
            self._close_prompt()
            return
        browser = self.browser
        if browser.label_selector is not None or browser.text_filter:
            self.apply_filter("")
        elif self._history:
            view, scope = self._history.pop()
            self.switch_view(view, scope)

    def action_all_namespaces(self) -> None:
        """`0`: all namespaces, and back to the starting one."""
        browser = self.browser
        namespace = None if browser.namespace is not None else self.connection.namespace
        if namespace is None and self.options.namespace is not None and self.watcher:
            # The watch covers one namespace only: widen it to all.
            self.watcher.stop()
            self.feed = StateFeed()
            self.options = replace(self.options, namespace=None)
            self.start_watching()
        browser.set_namespace(namespace)
        self.query_one(StatusHeader).namespace = namespace or "all"
        browser.refresh_rows(self.feed.state, self.options.clock())

    # -- actions on the selected object ---------------------------------------------------------

    def _selected(self) -> Any | None:
        obj = self.browser.selected(self.feed.state)
        if obj is None:
            self.show_message("nothing selected", error=True)
        return obj

    def action_describe(self) -> None:
        obj = self._selected()
        if obj is not None:
            kind = self.browser.view.kind
            text = describe(kind, obj, self.feed.state, now=self.options.clock())
            # A Service's detail ends with what the doctor finds, and its route: both live.
            namespace, name = obj.meta.namespace, obj.meta.name
            panels = (
                DoctorPanel(namespace=namespace, name=name, source=lambda: self.feed.state),
                self._route_panel(namespace, name),
            )
            self.push_screen(
                TextScreen(
                    title=f"describe {kind}/{obj.meta.name}",
                    text=text,
                    widgets=panels if kind == "services" else (),
                )
            )

    def _selected_service(self, verb: str) -> tuple[str, str] | None:
        """The Service under the cursor, or the one drilled into; None (and why) elsewhere."""
        browser = self.browser
        scope = browser.scope
        if browser.view.kind == "services":
            obj = self._selected()
            return None if obj is None else (obj.meta.namespace, obj.meta.name)
        if scope is not None and scope.kind == "services":
            return scope.namespace, scope.name
        self.show_message(f"{verb} works on Services (:svc)", error=True)
        return None

    @on(DoctorPanel.Opened)
    def open_finding(self, event: DoctorPanel.Opened) -> None:
        """A finding opened: all its evidence, the labels side by side, the rule, the fix."""
        detail = Static(FindingDetail(event.finding, event.styles), id="finding")
        self.push_screen(TextScreen(title=f"finding: {event.finding.check}", widgets=(detail,)))

    def action_route(self) -> None:
        """`r`: how traffic reaches the selected Service's pods (or the Service drilled into)."""
        found = self._selected_service("route")
        if found is not None:
            namespace, name = found
            panel = self._route_panel(namespace, name)
            self.push_screen(TextScreen(title=f"route service/{name}", widgets=(panel,)))

    def action_traffic(self) -> None:
        """`t`: fire test requests at the selected Service and watch which pods answer."""
        found = self._selected_service("the traffic test")
        if found is not None:
            namespace, name = found
            self.push_screen(
                TrafficScreen(
                    connection=self.connection,
                    namespace=namespace,
                    name=name,
                    source=lambda: self.feed.state,
                )
            )

    def _route_panel(self, namespace: str, name: str) -> RoutePanel:
        # The feed is replaced on a context switch: the panel asks for the current one.
        return RoutePanel(namespace=namespace, name=name, source=lambda: self.feed.state)

    def action_yaml(self) -> None:
        obj = self._selected()
        if obj is not None:
            self.fetch_yaml(self.browser.view.kind, obj.meta.namespace, obj.meta.name)

    def _mutation_allowed(self, verb: str) -> bool:
        if self.options.readonly:
            self.show_message(
                f"read-only: {verb} is disabled (started with --readonly)", error=True
            )
            return False
        return True

    def action_scale(self) -> None:
        if not self._mutation_allowed("scale"):
            return
        if self.browser.view.kind != "deployments":
            self.show_message("scale works on Deployments (:deploy)", error=True)
            return
        obj = self._selected()
        if obj is None:
            return
        namespace, name = obj.meta.namespace, obj.meta.name

        def scale(replicas: int | None) -> None:
            if replicas is not None:
                self.run_scale(namespace, name, replicas)

        self.push_screen(ScaleScreen(f"deployment/{name}", obj.replicas), scale)

    def action_delete(self) -> None:
        if not self._mutation_allowed("delete"):
            return
        obj = self._selected()
        if obj is None:
            return
        kind = self.browser.view.kind
        namespace, name = obj.meta.namespace, obj.meta.name

        def delete(yes: bool | None) -> None:
            if yes:
                self.run_delete(kind, namespace, name)

        self.push_screen(ConfirmScreen(f"Delete {kind[:-1]} {name}?"), delete)

    def action_help(self) -> None:
        self.push_screen(TextScreen(title="keys", text=_HELP))

    # -- workers: blocking API calls off the UI thread ------------------------------------------

    @work(thread=True, exclusive=True, group="api", exit_on_error=False)
    def run_scale(self, namespace: str, name: str, replicas: int) -> None:
        actions.scale(self.connection, namespace, name, replicas)
        self.post_message(self.ActionDone(f"scaled deployment/{name} to {replicas}"))

    @work(thread=True, exclusive=True, group="api", exit_on_error=False)
    def run_delete(self, kind: str, namespace: str, name: str) -> None:
        actions.delete(self.connection, kind, namespace or None, name)
        self.post_message(self.ActionDone(f"deleted {kind[:-1]}/{name}"))

    @work(thread=True, exclusive=True, group="api", exit_on_error=False)
    def fetch_yaml(self, kind: str, namespace: str, name: str) -> None:
        raw = actions.get_raw(self.connection, kind, namespace or None, name)
        raw.get("metadata", {}).pop("managedFields", None)
        text = yaml.safe_dump(raw, sort_keys=False)
        self.post_message(self.ActionDone("", text=f"{kind}/{name}\n{text}"))

    @on(ActionDone)
    def action_done(self, event: ActionDone) -> None:
        if event.text:
            title, _, body = event.text.partition("\n")
            self.push_screen(TextScreen(title=f"yaml {title}", text=body))
        else:
            self.show_message(event.message, error=event.error)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place worker errors are shown: a visible line, never a traceback."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = (
                str(error) if isinstance(error, KubeError) else f"{type(error).__name__}: {error}"
            )
            self.show_message(text, error=True)

    # -- the command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for view in VIEWS:
            yield SystemCommand(
                f"View {view.title}", f":{view.aliases[0]}", lambda v=view: self.go_to(v)
            )
        for title, help_text, action in (
            ("Describe", "d: the selected object, like kubectl describe", self.action_describe),
            ("YAML", "y: the selected object as YAML", self.action_yaml),
            ("Route", "r: how traffic reaches the selected Service's pods", self.action_route),
            (
                "Traffic test",
                "t: requests to the selected Service, who answers",
                self.action_traffic,
            ),
            ("Scale", "s: the selected Deployment", self.action_scale),
            ("Delete", "ctrl+d: the selected object (asks first)", self.action_delete),
            ("All namespaces", "0: all namespaces / back", self.action_all_namespaces),
            ("Filter", "/: by text, or -l key=value", lambda: self.action_prompt("filter")),
        ):
            yield SystemCommand(title, help_text, action)


_HELP = """\
:deploy :po :svc :no :ns   switch view (also :pods :services :nodes :namespaces)
/text                      filter rows by text;  /-l app=web  by label selector
Enter                      a Deployment's pods; the pods a Service selects
Esc                        clear the filter, or go back
0                          all namespaces, and back
d / y                      describe / YAML of the selected object
r                          the route traffic takes to a Service's pods, live
t                          a traffic test: requests to a Service, which pods answer
s                          scale the selected Deployment (asks for the count)
ctrl+d                     delete the selected object (asks first)
S / R                      sort by the next column / reverse the order
up down pgup pgdn home end move the cursor
ctrl+p                     command palette: every action
q / ctrl+c                 quit
"""
