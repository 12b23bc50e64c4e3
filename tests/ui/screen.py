"""What a user sees: the composed screen of a running app, as lines of plain text.

The compositor is what a terminal receives: a widget drawn under another one, or pushed off the
screen, is not in these lines.
"""

from __future__ import annotations

from textual.app import App

__all__ = ["screen_lines", "screen_text"]


def screen_lines(app: App[None]) -> list[str]:
    """The screen now, one string a terminal line (trailing blanks dropped)."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]


def screen_text(app: App[None]) -> str:
    return "\n".join(screen_lines(app))
