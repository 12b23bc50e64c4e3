"""ResourceTable's cursor half: the keys and clicks that move its row cursor, and what it posts.

`TableCursorView` is the ScrollView under ResourceTable: one header line over the rows of a
`RowIndex`, and a cursor row (`RowCursor`) that the keys move, that stays on screen and on its
row key, and that posts RowHighlighted and RowSelected. ResourceTable adds the columns, the
sort, the filters and the drawing.
"""

from __future__ import annotations

from textual.message import Message
from textual.scroll_view import ScrollView

from k9lite.ui.widgets.row_cursor import RowCursor
from k9lite.ui.widgets.row_index import RowIndex

__all__ = ["TableCursorView"]


class TableCursorView(ScrollView):
    """A ScrollView of keyed rows under a header line, with a row cursor that follows its key."""

    # Its keys are bound by ResourceTable, from their one declaration (ui/keys.TABLE_KEYS).

    class _RowMessage(Message):
        """About one row of a table: the table (`control`) and the row's key."""

        def __init__(self, table: TableCursorView, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> TableCursorView:
            return self.table

    # The `resource_table` namespace names the handlers `on_resource_table_row_highlighted`
    # and `on_resource_table_row_selected`, as when these were nested in ResourceTable.
    class RowHighlighted(_RowMessage, namespace="resource_table"):
        """The cursor moved to another row key."""

        def can_replace(self, message: Message) -> bool:
            # Holding a key posts many highlights: only the newest one matters.
            return (
                isinstance(message, TableCursorView.RowHighlighted) and message.table is self.table
            )

    class RowSelected(_RowMessage, namespace="resource_table"):
        """Enter (or a click on the cursor row) selected a row."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._index = RowIndex()
        self._cursor = RowCursor(self._index)

    @property
    def cursor_key(self) -> str | None:
        """Key of the cursor row, or None when no row is visible."""
        return self._cursor.key

    @property
    def cursor_row(self) -> int:
        """Visible position of the cursor row (0 = first row under the header)."""
        return self._cursor.position

    def move_cursor(self, *, key: str | None = None, row: int | None = None) -> None:
        """Move the cursor to the row `key` (if visible) or to visible position `row` (clamped)."""
        position = self._cursor.target(key=key, row=row)
        if position is not None:
            self._set_cursor(position)
            self._scroll_cursor_into_view()

    # -- actions -----------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor.position - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor.position + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self._cursor.position - self._page_rows)

    def action_page_down(self) -> None:
        self.move_cursor(row=self._cursor.position + self._page_rows)

    def action_cursor_top(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(row=len(self._index) - 1)

    def action_select_cursor(self) -> None:
        if self._cursor.key is not None:
            self.post_message(self.RowSelected(self, self._cursor.key))

    # -- internals ---------------------------------------------------------------------------

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _click_row(self, row: int) -> None:
        """A click on visible row `row`: on the cursor row it selects, elsewhere it moves."""
        if row >= len(self._index):
            return
        if row == self._cursor.position:
            self.action_select_cursor()
        else:
            self.move_cursor(row=row)

    def _follow_cursor_key(self, *, keep_on_screen: bool) -> None:
        """Find the cursor's key again; if its row is gone, stay at the same position (clamped)."""
        position = self._cursor.follow()
        if position is None:
            return
        self._set_cursor(position)
        if keep_on_screen:
            self._scroll_cursor_into_view()

    def _set_cursor(self, position: int) -> None:
        previous, moved_to = self._cursor.place(position)
        self._refresh_row(previous)
        self._refresh_row(position)
        if moved_to is not None:
            self.post_message(self.RowHighlighted(self, moved_to))

    def _refresh_row(self, row: int) -> None:
        top = int(self.scroll_y)
        if top <= row < top + self._page_rows:
            # The header is line 0 of the widget; row r is virtual line r + 1.
            self.refresh_line(row + 1)

    def _scroll_cursor_into_view(self) -> None:
        if not self.size:
            return
        top = self._cursor.scroll_top(int(self.scroll_y), self._page_rows)
        if top is not None:
            self.scroll_to(y=top, animate=False)
