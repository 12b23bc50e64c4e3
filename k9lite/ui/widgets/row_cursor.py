"""Where a keyed table's cursor is: the row key it follows and that row's visible position.

The cursor follows its key through sorts, filters and patches; when its row goes, it stays at
the same position (clamped). Pure bookkeeping over a `RowIndex`: ResourceTable repaints, scrolls
and posts RowHighlighted from what these methods return.
"""

from __future__ import annotations

from k9lite.ui.widgets.row_index import RowIndex

__all__ = ["RowCursor"]


class RowCursor:
    """The cursor of one table's visible rows."""

    __slots__ = ("_index", "key", "position")

    def __init__(self, index: RowIndex) -> None:
        self._index = index
        self.key: str | None = None
        """Key of the cursor row, or None when no row is visible."""
        self.position = 0
        """Visible position of the cursor row (0 = first row under the header)."""

    def target(self, *, key: str | None = None, row: int | None = None) -> int | None:
        """The position of row `key` (if visible) or position `row` clamped; None: nowhere."""
        if key is not None:
            position = self._index.index_of(key)
            if position is None:
                return None
            row = position
        if row is None or not len(self._index):
            return None
        return max(0, min(row, len(self._index) - 1))

    def follow(self) -> int | None:
        """Where the cursor's key is now, or its old position (clamped) if its row is gone;
        None, and no cursor, when no row is visible."""
        position = None if self.key is None else self._index.index_of(self.key)
        if position is None:
            if not len(self._index):
                self.key = None
                self.position = 0
                return None
            position = max(0, min(self.position, len(self._index) - 1))
        return position

    def place(self, position: int) -> tuple[int, str | None]:
        """Put the cursor on the row at `position`: (its previous position, the row's key when
        that is another key than before, else None)."""
        previous, key = self.position, self._index.key_at(position)
        self.position = position
        moved = key != self.key
        self.key = key
        return previous, key if moved else None

    def scroll_top(self, top: int, page: int) -> int | None:
        """The first row to show so that the cursor row is among the `page` rows shown from
        `top`, or None when it is already."""
        if self.position < top:
            return self.position
        if self.position >= top + page:
            return self.position - page + 1
        return None
