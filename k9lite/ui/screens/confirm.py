"""Confirmations for what changes the cluster: delete (y/n) and scale (a number).

Questions name cluster objects: they are shown literally, never as markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from k9lite.render.literal import literal

__all__ = ["ConfirmScreen", "ScaleScreen"]


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question; only `y` says yes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(self.question), markup=False)
            yield Label("y: yes    n / Esc: no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ScaleScreen(ModalScreen["int | None"]):
    """Ask for a replica count; Enter scales, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, target: str, current: int) -> None:
        super().__init__()
        self.target = target
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                literal(f"Scale {self.target} (now {self.current} replicas) to:"), markup=False
            )
            yield Input(str(self.current), type="integer", id="replicas")
            yield Label("", id="scale-error")

    @on(Input.Submitted, "#replicas")
    def submit(self, event: Input.Submitted) -> None:
        try:
            replicas = int(event.value)
        except ValueError:
            replicas = -1
        if replicas < 0:
            self.query_one("#scale-error", Label).update("enter a whole number, 0 or more")
            return
        self.dismiss(replicas)

    def action_cancel(self) -> None:
        self.dismiss(None)
