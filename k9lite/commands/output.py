"""Printing a renderable to stdout: fitted to a terminal, whole for a script.

A diagram fitted to a terminal cuts its long notes with an ellipsis; piped into `less`, `grep`
or a file, a line cut at 80 columns hides what explains it ("no port named 'web' in the pods").
Off a terminal, the renderable is drawn as wide as its longest line needs instead.
"""

from __future__ import annotations

import io

from rich.console import Console, RenderableType

__all__ = ["print_trimmed", "print_whole"]

_WIDE = 1000  # wider than any line a route or a histogram draws
_NARROWEST = 60
_FILL = " ─"  # a stage's rule runs to the edge: it never asks for width


def _natural_width(renderable: RenderableType) -> int:
    """The width of the longest line `renderable` draws when it has all the room it wants."""
    scratch = Console(width=_WIDE, file=io.StringIO(), color_system=None, highlight=False)
    scratch.print(renderable)
    lines = scratch.file.getvalue().splitlines()  # type: ignore[attr-defined]
    return max((len(line.rstrip(_FILL)) for line in lines), default=0)


def print_whole(console: Console, renderable: RenderableType) -> None:
    """Print on `console`: at its width on a terminal, else at the renderable's natural width."""
    if console.is_terminal:
        console.print(renderable)
        return
    width = max(_natural_width(renderable), _NARROWEST)
    Console(width=width, file=console.file, highlight=False, color_system=None).print(renderable)


def print_trimmed(console: Console, renderable: RenderableType) -> None:
    """Print on `console`; off a terminal without the spaces a table pads its lines with, so
    that a script or `diff` reads the text alone."""
    if console.is_terminal:
        console.print(renderable)
        return
    with console.capture() as capture:
        console.print(renderable)
    console.file.write("".join(line.rstrip() + "\n" for line in capture.get().splitlines()))
