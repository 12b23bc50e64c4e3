"""Port-forwards in the TUI: `shift+f` on a Pod or a Service asks `LOCAL:REMOTE` and starts one;
`:pf` lists them, each with its connections and last error, and stops the selected one.

A forward is read-only for the cluster (it changes no object), so `--readonly` allows it, as
k9s does. Forwards live as long as the app, whatever view or context is shown.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from k9lite.kube.portforward import Forward, Forwarder
from k9lite.model.forward_target import (
    ForwardError,
    ForwardTarget,
    first_port,
    pod_target,
    selector_problem,
    service_target,
    suggested_ports,
)
from k9lite.model.pods import Pod
from k9lite.model.services import Service
from k9lite.render.literal import literal
from k9lite.ui.navigator import AppOptions, Navigator
from k9lite.ui.screens.ask import AskScreen
from k9lite.ui.session import Session

__all__ = ["FORWARD_WORDS", "Forwarding", "ForwardsScreen", "parse_ports", "ports_problem"]

FORWARD_WORDS = ("pf", "portforward", "portforwards", "port-forward", "port-forwards")
"""`:pf` and its longer names."""

_COLUMNS = ("LOCAL", "TARGET", "OPEN", "SERVED", "LAST ERROR")


def parse_ports(text: str) -> tuple[int, int]:
    """`8080:80` -> (8080, 80); `8080` -> (8080, 8080); `:80` or `0:80`: any free local port."""
    local, sep, remote = text.strip().partition(":")
    if not sep:
        remote = local
    return int(local or 0), int(remote)


def ports_problem(text: str) -> str | None:
    """Why `text` is not `LOCAL:REMOTE`, in one line; None when it is."""
    try:
        local, remote = parse_ports(text)
    except ValueError:
        return "LOCAL:REMOTE, two port numbers (8080:80), or one for both"
    if not 0 <= local <= 65535:
        return f"local port {local} is not between 0 (any free port) and 65535"
    if not 1 <= remote <= 65535:
        return f"remote port {remote} is not between 1 and 65535"
    return None


class ForwardsScreen(ModalScreen[None]):
    """The running port-forwards, refreshed each second; ctrl+d stops the selected one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Back"),
        Binding("ctrl+d,delete", "stop", "Stop"),
    ]

    def __init__(self, forwarder: Forwarder) -> None:
        super().__init__()
        self.forwarder = forwarder

    def compose(self) -> ComposeResult:
        with Vertical(id="forwards-frame"):
            yield Label("Port-forwards", id="forwards-title")
            yield DataTable(id="forwards", cursor_type="row", zebra_stripes=False)
            yield Label("", id="forwards-empty", markup=False)
            yield Label("ctrl+d stop   Esc back", id="forwards-help")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*_COLUMNS)
        self.refill()
        self.set_interval(1.0, self.refill)
        table.focus()

    def refill(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for forward in self.forwarder.forwards:
            table.add_row(*_cells(forward), key=forward.address)
        if self.forwarder.forwards:
            table.move_cursor(row=min(row, table.row_count - 1))
        empty = "" if self.forwarder.forwards else "None yet: shift+f on a Pod or a Service."
        self.query_one("#forwards-empty", Label).update(empty)

    async def action_stop(self) -> None:
        table = self.query_one(DataTable)
        forwards = self.forwarder.forwards
        if not forwards or not 0 <= table.cursor_row < len(forwards):
            return
        forward = forwards[table.cursor_row]
        await self.forwarder.stop(forward)
        self.refill()


def _cells(forward: Forward) -> tuple[Text, ...]:
    target = forward.target
    return (
        Text(forward.address),
        Text(literal(f"pod/{target.pod}:{target.port} ({target.asked})")),
        Text(str(forward.open)),
        Text(str(forward.served)),
        Text(literal(forward.error or "-")),
    )


class Forwarding(Navigator):
    """The app's port-forwards: started from a Pod or a Service, listed by `:pf`, stopped when
    the app ends."""

    def __init__(self, options: AppOptions, *, session: Session | None = None) -> None:
        super().__init__(options, session=session)
        self.forwarder = Forwarder()

    def ask_forward(self, obj: Pod | Service) -> None:
        """Ask `LOCAL:REMOTE` (offering the first port), then start the forward."""
        what = f"{'service' if isinstance(obj, Service) else 'pod'}/{obj.meta.name}"
        port = first_port(obj)
        # A Service that selects nothing is said before asking (pods that are not running
        # yet may be by the time the ports are typed: the forward itself says so then).
        if isinstance(obj, Service) and (problem := selector_problem(obj)) is not None:
            self.show_error(problem)
            return

        def start(answer: str | None) -> None:
            if answer is not None:
                self.start_forward(obj, *parse_ports(answer))

        question = f"Port-forward 127.0.0.1 to {what}: LOCAL:REMOTE (LOCAL 0: any free port)"
        offered = suggested_ports(port) if port is not None else ""
        self.push_screen(AskScreen(question, offered, ports_problem), start)

    @work(group="forward")
    async def start_forward(self, obj: Pod | Service, local: int, remote: int) -> None:
        try:
            target = self._target(obj, remote)
            forward = await self.forwarder.start(self.connection, target, local)
        except ForwardError as exc:
            self.show_error(str(exc))
            return
        # Short enough for 80 columns; :pf names the pod it landed on.
        self.show_message(f"✓ forwarding {forward.address} to {target.asked} (:pf lists them)")

    def _target(self, obj: Pod | Service, remote: int) -> ForwardTarget:
        """Where a forward to `obj`'s port `remote` goes, as kubectl picks it."""
        if isinstance(obj, Service):
            return service_target(self.feed.state, obj, remote)
        return pod_target(obj, remote)

    def forward_url(self, namespace: str, service: str) -> str:
        """`http://127.0.0.1:PORT/` of a running forward to the Service, else ""."""
        for forward in self.forwarder.forwards:
            target = forward.target
            if target.namespace == namespace and target.asked.startswith(f"svc/{service}:"):
                return f"http://{forward.address}/"
        return ""

    def run_command(self, text: str, *, discovered: bool = False) -> None:
        if text.strip().lstrip(":").lower() in FORWARD_WORDS:
            self.push_screen(ForwardsScreen(self.forwarder))
            return
        super().run_command(text, discovered=discovered)

    @on(events.Unmount)
    async def stop_forwards(self) -> None:
        await self.forwarder.stop_all()
