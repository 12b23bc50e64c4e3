"""Ask for one value (a count, a pattern, a URL): Enter keeps it if it is valid, Esc cancels."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from k9lite.render.literal import literal

__all__ = ["AskScreen"]

Check = Callable[[str], "str | None"]
"""The problem with a typed value, in one line; None when it is fine."""


class AskScreen(ModalScreen["str | None"]):
    """`question` over an Input holding `value`; `check` refuses what will not do, saying why."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, value: str, check: Check) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(self.question), markup=False)
            yield Input(self.value, id="answer")
            yield Label("", id="ask-error", markup=False)
            yield Label("Enter: keep    Esc: cancel", classes="hint")

    @on(Input.Submitted, "#answer")
    def submit(self, event: Input.Submitted) -> None:
        problem = self.check(event.value.strip())
        if problem is not None:
            self.query_one("#ask-error", Label).update(f"✗ {problem}")
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
