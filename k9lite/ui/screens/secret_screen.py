"""A Secret's YAML: each value shows its size until `x` decodes them (and `x` hides them
again). While they show, no screenshot can be taken (`K9liteApp.export_screenshot`)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Static

from k9lite.render.literal import literal
from k9lite.ui.screens.text_screen import TextScreen

__all__ = ["SecretScreen"]


class SecretScreen(TextScreen):
    """The YAML of a Secret, concealed, and decoded on request."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "toggle_values", "Decode values")]

    def __init__(self, *, title: str, concealed: str, decoded: str) -> None:
        super().__init__(title=title, text=concealed)
        self._texts = (concealed, decoded)
        self.revealed = False
        """Whether the decoded values are on screen."""

    def action_toggle_values(self) -> None:
        self.revealed = not self.revealed
        shown = self._texts[self.revealed]
        self.query_one("#text", Static).update(literal(shown, multiline=True))
