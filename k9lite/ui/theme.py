"""The theme's colours for Rich renderables drawn in the TUI (the route, the diagnosis)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.color import Color, ColorParseError

__all__ = ["theme_colour"]


def theme_colour(app: Any) -> Callable[[str, str], str]:
    """A lookup of the app's theme variables as hex colours, with a fallback for each."""
    variables = app.theme_variables

    def colour(name: str, fallback: str) -> str:
        try:
            return Color.parse(variables.get(name, fallback)).hex
        except ColorParseError:
            return fallback

    return colour
