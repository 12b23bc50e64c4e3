"""Pick one name from a list (`:ctx`: the kubeconfig's contexts); Enter picks, Esc cancels."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from k9lite.render.literal import literal

__all__ = ["PickScreen"]


class PickScreen(ModalScreen["str | None"]):
    """A titled list of names, the current one marked and highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    def __init__(self, title: str, names: list[str], *, current: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.names = names
        self.current = current

    def compose(self) -> ComposeResult:
        options = [
            Option(Text(literal(name) + (" (current)" if name == self.current else "")), id=name)
            for name in self.names
        ]
        with Vertical(id="pick-frame"):
            yield Label(Text(literal(self.title_text)), id="pick-title")
            yield OptionList(*options, id="pick-list")
            yield Label("Enter: pick   Esc: cancel", id="pick-help")

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        if self.current in self.names:
            picker.highlighted = self.names.index(self.current)
        picker.focus()

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        picker = self.query_one(OptionList)
        if step > 0:
            picker.action_cursor_down()
        else:
            picker.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
