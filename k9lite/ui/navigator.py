"""The app's core: one cluster session shown through a browser, the prompt, the message line,
and moving between views (`:` commands, drill-downs, Esc back, namespaces and contexts).

K9liteApp (ui/app.py) adds the actions on the selected object and declares every key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Footer, Input

from k9lite.kinds.base import Kind
from k9lite.kinds.registry import by_name, find
from k9lite.kube.config import Connection, context_names
from k9lite.kube.errors import KubeError
from k9lite.kube.feed import StateFeed
from k9lite.kube.logs import LogOpener, PodLogs
from k9lite.kube.status import PER_KIND, KindStatus, Trouble, headline
from k9lite.model.selectors import LabelSelector, SelectorError
from k9lite.paths import STYLES
from k9lite.render.literal import literal
from k9lite.ui.browser import Browser, Scope
from k9lite.ui.commands import (
    OpenView,
    Quit,
    SwitchContext,
    SwitchNamespace,
    Unknown,
    completions,
    parse_command,
)
from k9lite.ui.live import LiveApp
from k9lite.ui.screens.pick import PickScreen
from k9lite.ui.session import Session
from k9lite.ui.widgets.message_line import Flash, FlashLevel, MessageLine
from k9lite.ui.widgets.narration import NarrationPanel
from k9lite.ui.widgets.prompt import PromptBar, PromptMode
from k9lite.ui.widgets.resource_table import ResourceTable
from k9lite.ui.widgets.status_header import StatusHeader, connection_summary

__all__ = ["AppOptions", "Navigator"]

_CLOCK_SECONDS = 1.0  # the rows on screen are rebuilt as time passes (AGE)
# How long a message stays: results fade, warnings linger, errors wait for the next key.
_FADE_SECONDS: dict[FlashLevel, float | None] = {"info": 4.0, "warning": 8.0, "error": None}


@dataclass(frozen=True, slots=True)
class AppOptions:
    """What the command line decided: where to connect and how to start."""

    connection: Connection
    namespace: str | None  # None: all namespaces
    readonly: bool = False
    start_view: str = "pods"
    watch: bool = True  # False: show only what is put in the feed (snapshots, screenshots)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    events: Callable[[Connection, str, str, str, str], list[dict[str, Any]]] | None = None
    """Reads an object's Events for describe (kind, namespace, name, uid); None: the API."""
    logs: LogOpener = PodLogs  # reads pods' logs for `l`: the API; snapshots: fixed lines


@dataclass(frozen=True, slots=True)
class _Place:
    """Where Esc goes back to: a kind, its drill-down, and the row the cursor was on."""

    kind: Kind
    scope: Scope | None
    row: str | None


class Navigator(LiveApp):
    """k9s habits: `:` switches views, `/` filters, Enter drills down, Esc goes back."""

    CSS_PATH: ClassVar[list[str | Any]] = [STYLES / "app.tcss", STYLES / "screens.tcss"]
    TITLE = "k9lite"

    flash: reactive[Flash] = reactive(Flash)
    """The message every screen's message line shows."""

    def __init__(self, options: AppOptions, *, session: Session | None = None) -> None:
        """`session`: one started already (by the command line: its first list on its way), or
        one holding a fixed feed (snapshots); by default a new one, started on mount."""
        super().__init__()
        self.options = options
        self.session = session or Session(
            options.connection, options.namespace, watch=options.watch
        )
        self.namespace = options.namespace or options.connection.namespace
        """The namespace `0` comes back to from all namespaces."""
        self._places: list[_Place] = []
        self._fade: Timer | None = None
        self._trouble: Trouble | None = None
        self._told_forbidden: str | None = None  # the forbidden view the message line named

    # -- layout and lifecycle -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        yield PromptBar(completer=self._completions, id="prompt-bar")
        kind = find(self.options.start_view) or by_name("pods")
        yield Browser(kind=kind, namespace=self.options.namespace)
        yield NarrationPanel()
        yield MessageLine(id="message")
        yield Footer()

    def on_mount(self) -> None:
        header = self.query_one(StatusHeader)
        header.readonly = self.options.readonly
        self._show_session()
        self.browser.table.focus()
        self.session.listen(self.tell)
        self.session.open(self.browser.kind)
        self.session.start(first=(self.browser.view.kind,))
        self.set_interval(_CLOCK_SECONDS, self._clock_tick)
        self.discover()
        self.refresh_state()

    def on_unmount(self) -> None:
        self.session.stop()

    @property
    def browser(self) -> Browser:
        return self.query_one(Browser)

    @property
    def connection(self) -> Connection:
        return self.session.connection

    @property
    def feed(self) -> StateFeed:
        # The feed is replaced on a context or namespace switch: always ask for the current one.
        return self.session.feed

    def _show_session(self) -> None:
        header = self.query_one(StatusHeader)
        header.context = self.connection.context
        header.server = self.connection.server
        header.namespace = self.browser.namespace or "all"

    # -- the live feed --------------------------------------------------------------------------

    def _clock_tick(self) -> None:
        """Once a second: what moves with time alone, on screen only (no cluster state read)."""
        if self.is_running:
            self.browser.refresh_on_screen(self.feed.state, self.options.clock())

    def redraw(self) -> frozenset[str]:
        """Patch the header and the view with what changed since the last time."""
        feed = self.feed
        statuses = feed.drain_statuses()
        if statuses is not None:
            header = self.query_one(StatusHeader)
            header.connection, header.problem = connection_summary(statuses)
            self._tell_trouble(headline(statuses))
            self._show_access()
        changes = feed.state.drain_changes()
        browser = self.browser
        if browser.wants_refresh(changes):
            browser.refresh_rows(feed.state, self.options.clock(), changes=changes)
        return changes

    def _show_access(self) -> None:
        """A view the user may not list says so where its rows would be, and once on the
        message line in full (the body holds one cut line). Run when statuses or views change."""
        browser = self.browser
        status = self.feed.status_of(browser.view.kind)
        if status is not None and status.state in PER_KIND:
            browser.table.loading_text = literal(f"{status.state}: {status.message}")
            if self._told_forbidden != browser.view.kind:
                self._told_forbidden = browser.view.kind
                self.show_message(_what_to_do(status), level="warning")
        else:
            browser.table.loading_text = "Loading…"
            self._told_forbidden = None

    def _tell_trouble(self, trouble: Trouble | None) -> None:
        """A new connection problem: what failed and what to do, on the message line (the
        header keeps a short form); and that it is over, once it is."""
        if trouble == self._trouble:
            return
        was, self._trouble = self._trouble, trouble
        if trouble is not None and trouble.status.state != "forbidden":
            self.show_message(_what_to_do(trouble.status), level="warning")
        elif was is not None and was.status.state != "forbidden":
            self.show_message("connected again: every kind listed anew")

    # -- messages to the user -------------------------------------------------------------------

    def show_message(self, text: str, *, level: FlashLevel = "info") -> None:
        """Say something on the message line of every screen; "" clears it."""
        self.flash = Flash(text, level)
        if self._fade is not None:
            self._fade.stop()
            self._fade = None
        seconds = _FADE_SECONDS[level]
        if text and seconds is not None:
            self._fade = self.set_timer(seconds, self._clear_faded)

    def show_error(self, text: str) -> None:
        self.show_message(text, level="error")

    def _clear_faded(self) -> None:
        self._fade = None
        self.flash = Flash()

    async def on_event(self, event: events.Event) -> None:
        # An error stays until the user has seen it and pressed the next key.
        if isinstance(event, events.Key) and self.flash.level == "error" and self.flash.text:
            self.flash = Flash()
        await super().on_event(event)

    # -- the prompt: `:` commands and `/` filters -----------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "prompt":
            # Not over a describe or scale screen, and `:` or `/` typed in a prompt is text.
            return self.screen is self.screen_stack[0] and not isinstance(self.focused, Input)
        return True

    def action_prompt(self, mode: PromptMode) -> None:
        self.query_one(PromptBar).open(mode)

    def _close_prompt(self) -> None:
        self.query_one(PromptBar).close()
        self.browser.table.focus()

    def _completions(self, text: str) -> list[str]:
        return completions(
            text,
            contexts=self._context_names,
            namespaces=self._namespace_names,
            discovered=self.session.discovered,
        )

    @work(thread=True, exclusive=True, group="discovery", exit_on_error=False)
    def discover(self, then: str | None = None) -> None:
        """Ask the server which resources it serves; then run the command `then` waited for."""
        try:
            self.session.discover_now()
        except KubeError as exc:
            if then is None:
                return  # at start: the views say what is wrong with the connection
            self.call_from_thread(self.show_error, f"could not ask the server: {exc}")
        if then is not None:
            self.call_from_thread(self.run_command, then, discovered=True)

    def _context_names(self) -> list[str]:
        try:
            return context_names(self.connection)
        except KubeError:
            return []

    def _namespace_names(self) -> list[str]:
        return [ns.meta.name for ns in self.feed.state.objects("namespaces", None)]

    @on(PromptBar.Submitted)
    def prompt_submitted(self, event: PromptBar.Submitted) -> None:
        self._close_prompt()
        if event.mode == "command":
            self.run_command(event.value)
        else:
            self.apply_filter(event.value)

    @on(PromptBar.Completions)
    def show_completions(self, event: PromptBar.Completions) -> None:
        self.show_message("Tab: " + "  ".join(event.candidates))

    def run_command(self, text: str, *, discovered: bool = False) -> None:
        """Do what `:text` says. A word that names no kind known yet may be a resource created
        since (a CRD): the server is asked again once, off the UI thread, before saying so."""
        command = parse_command(text, self.session.discovered)
        if isinstance(command, Unknown) and not discovered and self.session.watch:
            self.show_message(f"looking up {command.word!r} on the server…")
            self.discover(text)
            return
        if discovered and not isinstance(command, Unknown):
            self.show_message("")  # the "looking up" line has its answer
        if isinstance(command, Quit):
            self.exit()
        elif isinstance(command, SwitchContext):
            self.change_context(command.context)
        elif isinstance(command, SwitchNamespace):
            self.switch_namespace(command.namespace)
        elif isinstance(command, OpenView):
            self.go_to(command.kind)
        elif isinstance(command, Unknown):
            self.show_error(command.message())

    def change_context(self, context: str) -> None:
        """`:ctx` picks one of the kubeconfig's contexts; `:ctx NAME` watches that one instead."""
        if not context:
            try:
                names = context_names(self.connection)
            except KubeError as exc:
                self.show_error(str(exc))
                return
            current = self.connection.context
            picker = PickScreen("Switch to context", names, current=current)
            self.push_screen(picker, lambda name: self.change_context(name) if name else None)
            return
        try:
            self.session.switch_context(context, first=(self.browser.view.kind,))
        except KubeError as exc:
            self.show_error(str(exc))
            return
        namespace = self.session.namespace
        self.namespace = namespace or self.connection.namespace
        self.browser.set_namespace(namespace, self.feed.state)
        self._show_session()
        self.show_message(f"switched to context {self.connection.context}")

    def switch_namespace(self, namespace: str | None) -> None:
        """Show (and if needed watch) one namespace, or all of them (None)."""
        self.session.watch_namespace(namespace, first=(self.browser.view.kind,))
        if namespace is not None:
            self.namespace = namespace
        self.browser.set_namespace(namespace, self.feed.state)
        self._show_session()
        self.browser.refresh_rows(self.feed.state, self.options.clock())

    def go_to(self, kind: Kind, scope: Scope | None = None) -> None:
        """Open a kind's view, remembering the current one (and its row) for Esc."""
        browser = self.browser
        self._places.append(_Place(browser.kind, browser.scope, browser.table.cursor_key))
        self.switch_view(kind, scope)

    def switch_view(self, kind: Kind, scope: Scope | None = None) -> None:
        self.session.open(kind)
        self.browser.show(kind, self.feed.state, scope=scope)
        self.browser.refresh_rows(self.feed.state, self.options.clock())
        self._told_forbidden = None  # a forbidden view says so again when opened again
        self._show_access()
        self.refresh_bindings()  # the footer names what a key does on this kind (s: shell, scale)

    def apply_filter(self, text: str) -> None:
        browser = self.browser
        if text.startswith("-l"):
            try:
                browser.label_selector = LabelSelector.parse(text[2:].strip())
            except SelectorError as exc:
                self.show_error(f"bad label selector: {exc}")
                return
            browser.set_text_filter("")
        else:
            browser.label_selector = None
            browser.set_text_filter(text)
        browser.refresh_rows(self.feed.state, self.options.clock())

    # -- navigation -----------------------------------------------------------------------------

    @on(ResourceTable.RowSelected)
    def drill_down(self, event: ResourceTable.RowSelected) -> None:
        """Enter: a Deployment's, a Service's or a Node's pods; on a Namespace, switch to it."""
        browser = self.browser
        obj = browser.selected(self.feed.state)
        kind = browser.kind
        if obj is None:
            return
        if kind.enter == "namespace":
            self._places.clear()
            self.switch_namespace(obj.meta.name)
            self.switch_view(by_name("pods"))
            self.show_message(f"namespace {obj.meta.name}")
        elif kind.enter == "pods":
            self.go_to(by_name("pods"), Scope(kind.name, obj.meta.namespace, obj.meta.name))

    def action_go_back(self) -> None:
        if self.query_one(PromptBar).display:
            self._close_prompt()
            return
        browser = self.browser
        if browser.label_selector is not None or browser.text_filter:
            self.apply_filter("")
        elif self._places:
            place = self._places.pop()
            self.switch_view(place.kind, place.scope)
            if place.row is not None:
                browser.table.move_cursor(key=place.row)

    def action_all_namespaces(self) -> None:
        """`0`: all namespaces, and back to the one chosen before."""
        self.switch_namespace(None if self.browser.namespace is not None else self.namespace)


def _what_to_do(status: KindStatus) -> str:
    """What failed, and what to do about it, in one message."""
    return f"{status.message} — {status.hint}"
