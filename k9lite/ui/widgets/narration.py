"""The tour's narration: what the audience sees now, in a panel on every screen.

The tour app holds one `Narration`; every screen composes a NarrationPanel that shows it (as the
message line shows the app's Flash), so the words stay on screen when a step opens a route, a
description or a traffic test. Outside a tour the panel is hidden. Tour files are the presenter's
text: shown literally, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from k9lite.render.literal import literal

__all__ = ["Narration", "NarrationPanel"]


@dataclass(frozen=True, slots=True)
class Narration:
    """One step's words: its title, 1-4 lines, and where it stands in the tour (1-based)."""

    title: str = ""
    lines: tuple[str, ...] = ()
    position: int = 0
    total: int = 0
    keys: str = ""
    """The tour's keys on one line (the tour declares them)."""

    def render(self) -> Text:
        if not self.title:
            return Text()
        heading = Text.assemble(
            (f"{self.position}/{self.total} ", "dim"), (literal(self.title), "bold")
        )
        return Text("\n").join(
            [heading, *(Text(literal(line)) for line in self.lines), Text(self.keys, "dim")]
        )


class NarrationPanel(Static):
    """Shows the app's current Narration; hidden when there is none (no tour, or it was left)."""

    DEFAULT_CSS = """
    NarrationPanel {
        height: auto;
        max-height: 7;
        padding: 0 1;
        border-top: tall $accent;
        background: $boost;
        display: none;
        &.-shown { display: block; }
    }
    """

    def on_mount(self) -> None:
        # Only the tour app narrates; a screen shown by another app has no narration.
        if hasattr(self.app, "narration"):
            self.watch(self.app, "narration", self._show)

    def _show(self, narration: Narration) -> None:
        self.update(narration.render())
        self.set_class(bool(narration.title), "-shown")
