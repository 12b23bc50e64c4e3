"""Names cut to a width in the way that keeps them apart: their ends, where siblings differ."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

__all__ = ["keep_end"]


def keep_end(text: str, width: int) -> str:
    """`text` in exactly `width` cells; a long one keeps its end, where pod names differ.

    `hostname-server-7d8f5b5d7c-pz9ft` becomes `hostname…c-pz9ft` in 16 cells, `…pz9ft` in 6.
    """
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    if width <= 1:
        return "…"[:width]
    # What follows the last '-' (a pod's random suffix) or ':' (a fingerprint's digits).
    separator = max(text.rfind("-"), text.rfind(":"))
    last = len(text) - 1 - separator if separator >= 0 else 0
    tail = min(width - 1, max(last, (width - 1) // 2))
    head = width - 1 - tail
    return set_cell_size(text[:head], head) + "…" + _tail_cells(text, tail)


def _tail_cells(text: str, width: int) -> str:
    """The end of `text` in exactly `width` cells."""
    kept = ""
    for char in reversed(text):
        if cell_len(char + kept) > width:
            break
        kept = char + kept
    return " " * (width - cell_len(kept)) + kept
