"""A ResourceTable's header, row and message lines, drawn by `table_lines` and cached.

A line is drawn again only when what it shows changed: its row's version, the cursor on it,
the column layout, the sort (for the header), the widget's width or its styles.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.style import Style
from textual.cache import LRUCache
from textual.strip import Strip

from k9lite.ui.widgets.column_layout import ColumnLayout
from k9lite.ui.widgets.row_index import RowIndex
from k9lite.ui.widgets.table_lines import header_strip, message_strip, row_strip

__all__ = ["TablePainter"]


class TablePainter:
    """Draws the lines of one table from its row index and column layout."""

    def __init__(self, index: RowIndex, layout: ColumnLayout) -> None:
        self._index = index
        self._layout = layout
        self._cache: LRUCache[tuple[Any, ...], Strip] = LRUCache(1024)
        self.styles: tuple[Style, ...] = ()
        """The base, header, cursor and message styles the lines are drawn with."""

    def set_styles(self, styles: tuple[Style, ...]) -> None:
        """Draw with these styles from now on; lines drawn with others are forgotten."""
        if styles != self.styles:
            self.styles = styles
            self._cache.clear()

    def clear(self) -> None:
        """Forget every drawn line (the rows were sorted again)."""
        self._cache.clear()

    def line_width(self, width: int) -> int:
        """How wide a line is: the columns' width, or the widget's when that is wider."""
        return max(self._layout.content_width, width)

    def header(self, sort: tuple[str | None, bool], width: int) -> Strip:
        """The header line, marking the sort column; `width`: the widget's width."""
        key = ("header", *sort, self._layout.version, width)
        cached = self._cache.get(key)
        if cached is None:
            layout = self._layout
            cached = header_strip(
                layout.columns, layout.shown, sort, self.line_width(width), self.styles[1]
            )
            self._cache[key] = cached
        return cached

    def row(self, key: str, cursor: bool, width: int, console: Console) -> Strip:
        """The line of row `key`, in the cursor style when `cursor`."""
        cache_key = (key, self._index.version(key), cursor, self._layout.version, width)
        cached = self._cache.get(cache_key)
        if cached is None:
            cells = self._index.get(key) or ()
            layout = self._layout
            cached = row_strip(
                cells, layout.columns, layout.shown, self.line_width(width), self.styles[0], console
            )
            if cursor:
                cached = cached.apply_style(self.styles[2])
            self._cache[cache_key] = cached
        return cached

    def message(self, text: str, width: int) -> Strip:
        """The loading or empty text, in the body's first line."""
        return message_strip(text, self.line_width(width), self.styles[3], self.styles[0])
