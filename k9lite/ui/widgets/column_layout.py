"""Which of a table's columns show, and how wide, as its rows and the terminal's width change.

Auto-sized columns only grow with their content (shrinking on every update would make them
flicker), up to a cap; `fit` then picks the columns that fit the width (`fit_columns`). Pure
state, no widget: ResourceTable asks it and repaints when `version` moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import zip_longest

from rich.cells import cell_len

from k9lite.ui.widgets.row_index import Cells
from k9lite.ui.widgets.table_lines import GAP, MARGIN, Column, fit_columns, widest

__all__ = ["ColumnLayout"]


class ColumnLayout:
    """The columns, the width each asks for, and the (position, width) of those shown."""

    def __init__(self, max_column_width: int) -> None:
        self.columns: tuple[Column, ...] = ()
        self.shown: tuple[tuple[int, int], ...] = ()
        """(position, width) of each column shown, left to right."""
        self.version = 0
        """Bumped whenever the drawn lines may change: new columns, a wider column, a new fit."""
        self._wanted: list[int] = []
        self._wanted_version = 0  # bumped when a column's wanted width changes
        self._fitted: tuple[int, int] | None = None  # (width, wanted version) of `shown`
        self._max_column_width = max_column_width

    @property
    def wanted(self) -> tuple[int, ...]:
        """The width each column's content asks for, in cells (shown or not)."""
        return tuple(self._wanted)

    @property
    def content_width(self) -> int:
        """The cells the shown columns take, margins and gaps included."""
        if not self.shown:
            return 0
        widths = [width for _, width in self.shown]
        return MARGIN + sum(widths) + GAP * (len(widths) - 1) + MARGIN

    def set_columns(self, columns: Iterable[Column]) -> None:
        """New columns, each as wide as its header (or its fixed width) until `measure`."""
        self.columns = tuple(columns)
        self._wanted = [
            column.width if column.width is not None else cell_len(column.label) + 1
            for column in self.columns
        ]
        self.version += 1
        self._wanted_version += 1

    def measure(self, rows: Sequence[Cells]) -> bool:
        """Grow auto-sized columns to fit the cells of `rows`; True if any grew."""
        if not rows:
            return False
        grew = False
        for position, (column, column_cells) in enumerate(
            zip(self.columns, zip_longest(*rows, fillvalue=""), strict=False)
        ):
            if column.width is not None:
                continue
            longest = min(widest(column_cells), self._max_column_width)
            if longest > self._wanted[position]:
                # Columns only grow: shrinking on every update would make them flicker.
                self._wanted[position] = longest
                grew = True
        if grew:
            self.version += 1
            self._wanted_version += 1
        return grew

    def fit(self, width: int) -> bool:
        """Choose the columns shown and their widths in `width` cells; True if that changed."""
        if (width, self._wanted_version) == self._fitted:
            return False  # every upsert asks: most change no width
        self._fitted = (width, self._wanted_version)
        shown = (
            fit_columns(self.columns, self._wanted, width)
            if width > 0
            else tuple(enumerate(self._wanted))
        )
        if shown == self.shown:
            return False
        self.shown = shown
        self.version += 1
        return True

    def position(self, key: str) -> int | None:
        """The position of the column `key`, or None."""
        for position, column in enumerate(self.columns):
            if column.key == key:
                return position
        return None

    def column_at(self, x: int) -> Column | None:
        """The shown column under cell `x` of the line, or None (a margin or a gap)."""
        left = MARGIN
        for position, width in self.shown:
            if left <= x < left + width:
                return self.columns[position]
            left += width + GAP
        return None
