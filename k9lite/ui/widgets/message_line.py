"""The message line: the answer to what the user just did, on every screen, above the footer.

The app holds one `Flash`; every screen composes a MessageLine that shows it, so a result or an
error is never drawn under the footer or behind a modal. The level reads without colour: a
leading mark (✓ done, ! warning, ✗ error) says what kind of message it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.widgets import Static

from k9lite.render.literal import literal

__all__ = ["Flash", "FlashLevel", "MessageLine"]

FlashLevel = Literal["info", "warning", "error"]
_MARKS: dict[FlashLevel, str] = {"info": "✓", "warning": "!", "error": "✗"}


@dataclass(frozen=True, slots=True)
class Flash:
    """One message: its text (shown literally: no markup, controls escaped) and its level."""

    text: str = ""
    level: FlashLevel = "info"

    def render(self) -> Text:
        if not self.text:
            return Text()
        return Text.assemble((_MARKS[self.level], "bold"), " ", literal(self.text))


class MessageLine(Static):
    """Shows the app's current Flash; one or two lines, never empty of meaning."""

    DEFAULT_CSS = """
    MessageLine {
        height: auto;
        min-height: 1;
        max-height: 2;
        padding: 0 1;
        color: $text-success;
        &.-warning { color: $text-warning; }
        &.-error { color: $text-error; text-style: bold; }
    }
    """

    def on_mount(self) -> None:
        # k9lite's app holds the Flash; a screen shown by another app (a test's) has no messages.
        if hasattr(self.app, "flash"):
            self.watch(self.app, "flash", self._show)

    def _show(self, flash: Flash) -> None:
        self.update(flash.render())
        self.set_class(flash.level == "warning", "-warning")
        self.set_class(flash.level == "error", "-error")
