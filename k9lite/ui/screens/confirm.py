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
    """Ask for a replica count; Enter scales, Esc cancels.

    Any text may be typed (a filter that silently dropped the `e` of `1e3` would scale to 13);
    Enter accepts only a whole number the API can hold (int32), and asks again for a count far
    above the current one.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, target: str, current: int) -> None:
        super().__init__()
        self.target = target
        self.current = current
        self._confirming: int | None = None  # a large count entered once, to be entered again

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                literal(f"Scale {self.target} (now {self.current} replicas) to:"), markup=False
            )
            yield Input(str(self.current), max_length=len(str(MAX_REPLICAS)) + 2, id="replicas")
            yield Label("", id="scale-error", markup=False)
            yield Label("Enter: scale    Esc: cancel", classes="hint")

    @on(Input.Submitted, "#replicas")
    def submit(self, event: Input.Submitted) -> None:
        replicas = parse_replicas(event.value)
        error = self.query_one("#scale-error", Label)
        if replicas is None:
            error.update(f"✗ enter a whole number from 0 to {MAX_REPLICAS:,}")
            return
        if replicas > max(LARGE_SCALE, 10 * self.current) and self._confirming != replicas:
            self._confirming = replicas
            error.update(
                f"! {replicas:,} replicas is far more than the {self.current} now: "
                "Enter again to scale, Esc to cancel"
            )
            return
        self.dismiss(replicas)

    def action_cancel(self) -> None:
        self.dismiss(None)


MAX_REPLICAS = 2**31 - 1
"""spec.replicas is an int32: the API server refuses more."""
LARGE_SCALE = 1000
"""Above this (or ten times the current count), the dialog asks twice."""


def parse_replicas(text: str) -> int | None:
    """A replica count typed by the user: digits only, 0 to MAX_REPLICAS; None otherwise."""
    text = text.strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= MAX_REPLICAS else None
