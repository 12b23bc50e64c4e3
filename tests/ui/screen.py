"""What a user sees: the composed screen of a running app, as lines of plain text.

The compositor is what a terminal receives: a widget drawn under another one, or pushed off the
screen, is not in these lines.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.widgets import Static

__all__ = ["screen_lines", "screen_text", "static_text"]


def screen_lines(app: App[None]) -> list[str]:
    """The screen now, one string a terminal line (trailing blanks dropped)."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


def screen_text(app: App[None]) -> str:
    return "\n".join(screen_lines(app))


def static_text(widget: Static, width: int = 200) -> str:
    """What a Static holds (text or any Rich renderable), as plain text at `width`."""
    console = Console(width=width, file=io.StringIO(), color_system=None)
    content = widget.content
    console.print(content if not isinstance(content, str) else Text(content))
    return console.file.getvalue()  # type: ignore[attr-defined]
