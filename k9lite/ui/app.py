"""The k9lite app: a live browser of Deployments, Pods, Services, Nodes and Namespaces, and the
actions on the object under the cursor (describe, YAML, route, traffic, scale, delete)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, ClassVar

import yaml
from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import SystemCommand
from textual.binding import BindingType
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from k9lite.analysis.check_results import CheckReport
from k9lite.kinds.base import Action, Kind
from k9lite.kube import actions
from k9lite.kube.errors import KubeError
from k9lite.kube.proxy import proxy_access
from k9lite.model.events import decode_event
from k9lite.model.fields import DecodeError
from k9lite.model.meta import ObjectMeta
from k9lite.model.services import Service
from k9lite.render.describe import describe
from k9lite.render.doctor import FindingDetail
from k9lite.render.events import events_section
from k9lite.render.generic_describe import conceal, decode_values, describe_raw
from k9lite.traffic.check import CheckOptions, check_services
from k9lite.ui.keymap import PaletteEntry
from k9lite.ui.keys import MAIN_KEYS, main_help, palette_entries
from k9lite.ui.permissions import Permitted
from k9lite.ui.screens.confirm import ConfirmScreen, ScaleScreen
from k9lite.ui.screens.logs import LogsScreen, LogTarget
from k9lite.ui.screens.secret_screen import SecretScreen
from k9lite.ui.screens.text_screen import TextScreen
from k9lite.ui.screens.traffic import TrafficScreen
from k9lite.ui.shell import open_shell
from k9lite.ui.widgets.doctor_panel import DoctorPanel
from k9lite.ui.widgets.route_panel import RoutePanel

__all__ = ["K9liteApp"]


class K9liteApp(Permitted):
    """The main screen; its keys, which the footer, `?` and ctrl+p show, are in ui/keys.py."""

    BINDINGS: ClassVar[list[BindingType]] = MAIN_KEYS.bindings()

    class ActionDone(Message):
        """A scale or delete finished (in a worker thread): what to tell the user."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class TextRead(Message):
        """A worker read a text to show on a screen of its own (YAML)."""

        def __init__(self, title: str, text: str) -> None:
            super().__init__()
            self.title = title
            self.text = text

    class EventsRead(Message):
        """A worker read an object's Events for the description open in `target`."""

        def __init__(self, target: Static, events: RenderableType) -> None:
            super().__init__()
            self.target = target
            self.events = events

    # -- actions on the selected object ---------------------------------------------------------

    def _selected(self, action: Action | None = None) -> Any | None:
        """The object under the cursor, if the kind shown allows `action` on it."""
        kind = self.browser.kind
        if action is not None and action not in kind.actions:
            self.show_error(f"{kind.title} cannot be {_DONE[action]}")
            return None
        obj = self.browser.selected(self.feed.state)
        if obj is None:
            unreadable = self.browser.error_at_cursor(self.feed.state)
            self.show_error(f"cannot be read: {unreadable}" if unreadable else "nothing selected")
        return obj

    def action_describe(self) -> None:
        obj = self._selected(Action.DESCRIBE)
        if obj is None:
            return
        kind = self.browser.kind
        if kind.view is None:
            # Shown from the server's Tables: the object itself is read for its description.
            self.fetch_description(kind, obj.meta)
            return
        view = kind.view
        text = describe(view.kind, obj, self.feed.state, now=self.options.clock())
        # A Service's detail ends with what the doctor finds, and its route: both live.
        namespace, name = obj.meta.namespace, obj.meta.name
        panels = (
            (
                DoctorPanel(
                    namespace=namespace,
                    name=name,
                    source=lambda: self.feed.state,
                    checker=self._check_service if self.options.watch else None,
                    clock=self.options.clock,
                ),
                self._route_panel(namespace, name),
            )
            if view.kind == "services"
            else ()
        )
        self._show_description(
            f"describe {view.kind}/{name}", view.object_kind, obj.meta, text, panels
        )

    async def _check_service(self, service: Service) -> CheckReport:
        """The doctor's active check of one Service, through the API server's proxies."""
        access = proxy_access(self.connection)
        reports = await check_services(self.feed.state, [service], CheckOptions(), access)
        return reports[service.meta.key]

    def _show_description(
        self,
        title: str,
        object_kind: str,
        meta: ObjectMeta,
        text: str,
        panels: tuple[Widget, ...] = (),
    ) -> None:
        """A description, then the object's Events (read off the UI thread), then `panels`."""
        events = Static("Events:  (reading…)", markup=False, classes="events")
        self.push_screen(TextScreen(title=title, text=text, widgets=(events, *panels)))
        self.fetch_events(events, object_kind, meta.namespace, meta.name, meta.uid)

    def _selected_service(self, verb: str) -> tuple[str, str] | None:
        """The Service under the cursor, or the one drilled into; None (and why) elsewhere."""
        browser = self.browser
        scope = browser.scope
        if browser.kind.name == "services":
            obj = self._selected()
            return None if obj is None else (obj.meta.namespace, obj.meta.name)
        if scope is not None and scope.kind == "services":
            return scope.namespace, scope.name
        self.show_error(f"{verb} works on Services (:svc)")
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
                    forwarded=lambda: self.forward_url(namespace, name),
                )
            )

    def action_logs(self) -> None:
        """`l`: the selected Pod's log, or the merged logs of a Deployment's or Service's pods
        (allowed with --readonly: reading a log changes nothing)."""
        obj = self._selected(Action.LOGS)
        if obj is None:
            return
        target = LogTarget(self.browser.kind.name, obj.meta.namespace, obj.meta.name)
        self.push_screen(
            LogsScreen(
                connection=self.connection,
                target=target,
                source=lambda: self.feed.state,
                opener=self.options.logs,
            )
        )

    def _route_panel(self, namespace: str, name: str) -> RoutePanel:
        return RoutePanel(namespace=namespace, name=name, source=lambda: self.feed.state)

    def action_yaml(self) -> None:
        obj = self._selected(Action.YAML)
        if obj is not None:
            self.fetch_yaml(self.browser.kind, obj.meta.namespace, obj.meta.name)

    def _mutation_allowed(self, verb: str) -> bool:
        if self.options.readonly:
            self.show_error(f"read-only: {verb} is disabled (started with --readonly)")
            return False
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("shell", "scale"):
            # k9s's `s`: a shell where the kind has one (Pods), a scale everywhere else.
            try:
                shell = Action.SHELL in self.browser.kind.actions
            except NoMatches:
                return False
            if shell != (action == "shell"):
                return False
        return super().check_action(action, parameters)

    def action_shell(self) -> None:
        pod = self._selected(Action.SHELL)
        if pod is not None:
            self.when_permitted("shell", pod.meta.namespace, partial(open_shell, self, pod))

    def action_scale(self) -> None:
        if not self._mutation_allowed("scale"):
            return
        if Action.SCALE not in self.browser.kind.actions:
            self.show_error("s scales a Deployment (:deploy) and opens a shell in a Pod (:po)")
            return
        obj = self._selected()
        if obj is None:
            return
        namespace, name = obj.meta.namespace, obj.meta.name

        def scale(replicas: int | None) -> None:
            if replicas is not None:
                self.run_scale(namespace, name, replicas)

        ask = ScaleScreen(f"deployment/{name}", obj.replicas)
        self.when_permitted("scale", namespace, partial(self.push_screen, ask, scale))

    def action_delete(self) -> None:
        if not self._mutation_allowed("delete"):
            return
        obj = self._selected(Action.DELETE)
        if obj is None:
            return
        kind = self.browser.kind
        namespace, name = obj.meta.namespace, obj.meta.name

        def delete(yes: bool | None) -> None:
            if yes:
                self.run_delete(kind, namespace, name)

        ask = ConfirmScreen(f"Delete {kind.resource.kind.lower()} {name}?")
        self.when_permitted("delete", namespace, partial(self.push_screen, ask, delete))

    def action_port_forward(self) -> None:
        obj = self._selected(Action.FORWARD)
        if obj is None:
            return
        self.ask_forward(obj)

    def action_help(self) -> None:
        """The keys, then how each kind's feed is doing (the header has room for one problem)."""
        lines = [
            f"  {kind}: {status.state}"
            + (f" — {status.message}" if status.message else "")
            + (f"\n      {status.hint}" if status.hint else "")
            for kind, status in sorted(self.feed.statuses().items())
        ]
        text = _HELP + "\nConnection to " + self.connection.server + ":\n" + "\n".join(lines)
        self.push_screen(TextScreen(title="keys", text=text))

    # -- workers: blocking API calls off the UI thread ------------------------------------------

    @work(thread=True, exclusive=True, group="api", exit_on_error=False)
    def run_scale(self, namespace: str, name: str, replicas: int) -> None:
        accepted = actions.scale(self.connection, namespace, name, replicas)
        self.post_message(self.ActionDone(f"scaled deployment/{name} to {accepted}"))

    @work(thread=True, exclusive=True, group="api", exit_on_error=False)
    def run_delete(self, kind: Kind, namespace: str, name: str) -> None:
        actions.delete(self.connection, kind.resource, namespace or None, name)
        self.post_message(self.ActionDone(f"deleted {kind.resource.one}/{name}"))

    @work(thread=True, exclusive=True, group="api", exit_on_error=False)
    def fetch_yaml(self, kind: Kind, namespace: str, name: str) -> None:
        raw = actions.get_raw(self.connection, kind.resource, namespace or None, name)
        raw.get("metadata", {}).pop("managedFields", None)
        title = f"yaml {kind.resource.one}/{name}"
        if kind.conceal_values:
            concealed = yaml.safe_dump(conceal(raw), sort_keys=False)
            decoded = yaml.safe_dump(decode_values(raw), sort_keys=False)
            screen = SecretScreen(title=title, concealed=concealed, decoded=decoded)
            self.call_from_thread(self.push_screen, screen)
            return
        self.post_message(self.TextRead(title, yaml.safe_dump(raw, sort_keys=False)))

    @work(thread=True, exclusive=True, group="api", exit_on_error=False)
    def fetch_description(self, kind: Kind, meta: ObjectMeta) -> None:
        raw = actions.get_raw(self.connection, kind.resource, meta.namespace or None, meta.name)
        text = describe_raw(raw, conceal_values=kind.conceal_values)
        title = f"describe {kind.resource.one}/{meta.name}"
        self.call_from_thread(self._show_description, title, kind.resource.kind, meta, text)

    @work(thread=True, exclusive=True, group="events", exit_on_error=False)
    def fetch_events(self, target: Static, kind: str, namespace: str, name: str, uid: str) -> None:
        """Read the object's Events as `kubectl describe` does; its description ends with them."""
        read = self.options.events or actions.events_of
        try:
            raws = read(self.connection, kind, namespace, name, uid)
            found = [decode_event(raw) for raw in raws]
            section: RenderableType = events_section(found, self.options.clock())
        except (KubeError, DecodeError) as exc:
            section = Text(f"Events:  (could not be read: {exc})")
        self.post_message(self.EventsRead(target, section))

    @on(ActionDone)
    def action_done(self, event: ActionDone) -> None:
        self.show_message(event.message)

    @on(TextRead)
    def text_read(self, event: TextRead) -> None:
        self.push_screen(TextScreen(title=event.title, text=event.text))

    @on(EventsRead)
    def events_read(self, event: EventsRead) -> None:
        if event.target.is_attached:  # the description may have been closed meanwhile
            event.target.update(event.events)

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """The one place worker errors are shown: a visible line, never a traceback."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            text = (
                str(error) if isinstance(error, KubeError) else f"{type(error).__name__}: {error}"
            )
            self.show_error(text)

    def _secrets_shown(self) -> bool:
        return any(isinstance(s, SecretScreen) and s.revealed for s in self.screen_stack)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """The palette's "Save screenshot": refused (with why) while a Secret's values show."""
        if self._secrets_shown():
            self.show_error("no screenshot while a Secret's values are shown: x hides them")
            return
        super().action_screenshot(filename, path)

    def export_screenshot(self, *, title: str | None = None, simplify: bool = False) -> str:
        """A screenshot, never of a Secret's decoded values: SecretsShown while they show."""
        if self._secrets_shown():
            raise SecretsShown("a Secret's decoded values are on screen")
        return super().export_screenshot(title=title, simplify=simplify)

    # -- the command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for entry in palette_entries():
            # The palette reads help as markup, and textual.markup.escape leaves `[NAME]` (not
            # lower case) unescaped: it would vanish from `:ctx [NAME]`.
            help_text = entry.help.replace("[", "\\[")
            yield SystemCommand(entry.title, help_text, self._palette_callback(entry))

    def _palette_callback(self, entry: PaletteEntry) -> Callable[[], object]:
        """A palette entry runs its key's action, or its command as if typed after `:`."""
        if entry.command:
            return partial(self.run_command, entry.command)
        return partial(self.run_action, entry.action)


class SecretsShown(RuntimeError):
    """A screenshot was asked for while a Secret's decoded values are on screen."""


_DONE = {
    Action.DESCRIBE: "described",
    Action.YAML: "shown as YAML",
    Action.DELETE: "deleted here",
    Action.SCALE: "scaled",
    Action.ROUTE: "routed",
    Action.TRAFFIC: "probed",
    Action.FORWARD: "port-forwarded to",
    Action.SHELL: "opened in a shell",
    Action.LOGS: "read as logs",
}


_HELP = main_help()
