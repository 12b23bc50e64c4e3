"""A full-screen, scrollable text: `d` describe, `y` YAML, `r` route, `?` help.

Title and text name cluster objects and quote them: both are shown literally, never as markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Static

from k9lite.render.literal import literal
from k9lite.ui.widgets.message_line import MessageLine
from k9lite.ui.widgets.narration import NarrationPanel

__all__ = ["TextScreen"]


class TextScreen(ModalScreen[None]):
    """A titled text (or widgets, such as a live route) to read; Esc (or q) goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Back", key_display="Esc"),
    ]

    def __init__(self, *, title: str, text: str = "", widgets: tuple[Widget, ...] = ()) -> None:
        super().__init__()
        self.text_title = title
        self.text = text
        self.widgets = widgets

    def compose(self) -> ComposeResult:
        text = literal(self.text, multiline=True)
        body = (Static(text, markup=False, id="text"),) if text else ()
        frame = VerticalScroll(*body, *self.widgets, id="text-frame")
        frame.border_title = Text(literal(self.text_title))
        frame.can_focus = True
        yield frame
        yield NarrationPanel()
        yield MessageLine()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#text-frame", VerticalScroll).focus()
