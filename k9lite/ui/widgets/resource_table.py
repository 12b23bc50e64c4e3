"""ResourceTable: a virtualised, keyed, sortable, filterable table that stays fast at 10,000 rows.

A ScrollView on Textual's Line API: `render_line` draws only the lines on screen, reading rows
from a sorted keyed `RowIndex`; row strips are cached by (key, version, cursor, layout). Rows are
patched by key (`upsert_rows`, `remove_rows`, `replace_all`), never cleared and refilled, so the
cursor (which follows a row key) and the scroll position survive updates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import zip_longest
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from k9lite.ui.keys import TABLE_KEYS
from k9lite.ui.widgets.row_index import Cells, Patch, RowIndex
from k9lite.ui.widgets.table_lines import (
    GAP,
    MARGIN,
    MAX_COLUMN_WIDTH,
    Column,
    crop_marking_cut,
    fit_columns,
    header_strip,
    message_strip,
    row_strip,
    widest,
)

__all__ = ["Column", "ResourceTable"]


class ResourceTable(ScrollView, can_focus=True):
    """A table of rows keyed by a stable string, with a row cursor that follows its key.

    Keys: up/down (j/k), pageup/pagedown, home/end (g/G, ctrl+home/ctrl+end) move the cursor,
    enter selects, `S` cycles the sort column, `R` reverses the order. When the columns do not
    fit, the ones of lowest priority narrow or drop out (see `fit_columns`).
    """

    BINDINGS: ClassVar[list[BindingType]] = TABLE_KEYS.bindings()
    """Declared once in ui/keys.py: `?` and README list them from there."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--message",
    }
    """
    | Class | Description |
    | :- | :- |
    | `resource-table--header` | The header row. |
    | `resource-table--cursor` | The cursor row (reverse video: readable without colour). |
    | `resource-table--message` | The loading and empty texts. |
    """

    DEFAULT_CSS = """
    ResourceTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .resource-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .resource-table--cursor {
            text-style: reverse;
        }
        &:focus > .resource-table--cursor {
            text-style: reverse bold;
        }
        & > .resource-table--message {
            color: $text-muted;
            text-style: italic;
        }
    }
    """

    sort_column: reactive[str | None] = reactive(None, init=False)
    """Key of the column rows are sorted by; None keeps rows in key order."""
    sort_reverse: reactive[bool] = reactive(False, init=False)
    """True sorts descending (the exact reverse of the ascending order)."""
    filter_text: reactive[str] = reactive("", init=False)
    """Show only rows with a cell containing this text, in any case."""
    loaded: reactive[bool] = reactive(False)
    """False until the first full list arrived: until then show `loading_text`, not `empty_text`."""
    loading_text: reactive[str] = reactive("Loading…")
    """Shown in the body before the first list arrived."""
    empty_text: reactive[str] = reactive("No resources")
    """Shown in the body when, after loading, no row is visible."""

    class RowHighlighted(Message):
        """The cursor moved to another row key."""

        def __init__(self, table: ResourceTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key
            """Key of the highlighted row."""

        @property
        def control(self) -> ResourceTable:
            """The table whose cursor moved."""
            return self.table

        def can_replace(self, message: Message) -> bool:
            # Holding a key posts many highlights: only the newest one matters.
            return isinstance(message, ResourceTable.RowHighlighted) and message.table is self.table

    class RowSelected(Message):
        """Enter (or a click on the cursor row) selected a row."""

        def __init__(self, table: ResourceTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key
            """Key of the selected row."""

        @property
        def control(self) -> ResourceTable:
            """The table whose row was selected."""
            return self.table

    def __init__(
        self,
        *,
        columns: Iterable[Column] = (),
        loaded: bool = False,
        empty_text: str = "No resources",
        loading_text: str = "Loading…",
        max_column_width: int = MAX_COLUMN_WIDTH,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._index = RowIndex()
        self._row_filter: Callable[[str], bool] | None = None
        self._columns: tuple[Column, ...] = ()
        self._widths: list[int] = []
        self._layout: tuple[tuple[int, int], ...] = ()
        self._widths_version = 0  # bumped when a column's wanted width changes
        self._fitted: tuple[int, int] | None = None  # (width, widths version) of `_layout`
        self._max_column_width = max_column_width
        self._cursor_key: str | None = None
        self._cursor_index = 0
        self._layout_version = 0
        self._styles: tuple[Style, ...] = ()
        self._line_cache: LRUCache[tuple[Any, ...], Strip] = LRUCache(1024)
        self.set_reactive(ResourceTable.loaded, loaded)
        self.set_reactive(ResourceTable.empty_text, empty_text)
        self.set_reactive(ResourceTable.loading_text, loading_text)
        self.set_columns(columns)

    # -- reading -----------------------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns, left to right."""
        return self._columns

    @property
    def row_count(self) -> int:
        """Every row, visible or filtered out."""
        return self._index.total

    @property
    def visible_count(self) -> int:
        """The rows that pass the filters."""
        return len(self._index)

    @property
    def cursor_key(self) -> str | None:
        """Key of the cursor row, or None when no row is visible."""
        return self._cursor_key

    @property
    def cursor_row(self) -> int:
        """Visible position of the cursor row (0 = first row under the header)."""
        return self._cursor_index

    @property
    def column_widths(self) -> tuple[int, ...]:
        """The width each column's content asks for, in cells (shown or not)."""
        return tuple(self._widths)

    @property
    def row_filter(self) -> Callable[[str], bool] | None:
        """A predicate on row keys (e.g. a label selector) that a row must pass to be shown."""
        return self._row_filter

    @row_filter.setter
    def row_filter(self, row_filter: Callable[[str], bool] | None) -> None:
        self._row_filter = row_filter
        self._refilter()

    def get_row(self, key: str) -> Cells | None:
        """The cells of the row `key`, visible or not, or None."""
        return self._index.get(key)

    def visible_keys(self) -> list[str]:
        """The keys of the visible rows, top to bottom."""
        return self._index.keys()

    # -- patching ----------------------------------------------------------------------------

    def set_columns(self, columns: Iterable[Column]) -> None:
        """Replace the columns; widths are measured again from the current rows."""
        self._columns = tuple(columns)
        self._widths = [
            column.width if column.width is not None else cell_len(column.label) + 1
            for column in self._columns
        ]
        self._layout_version += 1
        self._widths_version += 1
        self._measure(self._index.all_keys())
        self._update_virtual_size()
        if self.sort_column is not None and self._column_position(self.sort_column) is None:
            self.set_reactive(ResourceTable.sort_column, None)
        self._resort()

    def upsert_rows(self, rows: Mapping[str, Cells]) -> None:
        """Add rows with new keys and update rows whose cells changed."""
        self._apply(lambda: self._index.upsert(rows))

    def remove_rows(self, keys: Iterable[str]) -> None:
        """Remove rows by key; unknown keys are ignored."""
        self._apply(lambda: self._index.remove(keys))

    def replace_all(self, rows: Mapping[str, Cells]) -> None:
        """Make the table hold exactly `rows` by patching (add, update, remove); marks it loaded."""
        self._apply(lambda: self._index.replace(rows))
        self.loaded = True

    def move_cursor(self, *, key: str | None = None, row: int | None = None) -> None:
        """Move the cursor to the row `key` (if visible) or to visible position `row` (clamped)."""
        if key is not None:
            position = self._index.index_of(key)
            if position is None:
                return
            row = position
        if row is None or not len(self._index):
            return
        self._set_cursor(max(0, min(row, len(self._index) - 1)))
        self._scroll_cursor_into_view()

    # -- actions -----------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor_index - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor_index + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self._cursor_index - self._page_rows)

    def action_page_down(self) -> None:
        self.move_cursor(row=self._cursor_index + self._page_rows)

    def action_cursor_top(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(row=len(self._index) - 1)

    def action_select_cursor(self) -> None:
        if self._cursor_key is not None:
            self.post_message(self.RowSelected(self, self._cursor_key))

    def action_cycle_sort(self) -> None:
        sortable = [column.key for column in self._columns if column.sortable]
        if not sortable:
            return
        if self.sort_column in sortable:
            self.sort_column = sortable[(sortable.index(self.sort_column) + 1) % len(sortable)]
        else:
            self.sort_column = sortable[0]

    def action_reverse_sort(self) -> None:
        self.sort_reverse = not self.sort_reverse

    # -- reactive watchers -------------------------------------------------------------------

    def validate_sort_column(self, sort_column: str | None) -> str | None:
        return (
            sort_column
            if sort_column is None or self._column_position(sort_column) is not None
            else None
        )

    def watch_sort_column(self) -> None:
        self._resort()

    def watch_sort_reverse(self) -> None:
        self._resort()

    def watch_filter_text(self) -> None:
        self._refilter()

    def watch_loaded(self) -> None:
        self._refresh_body()

    def watch_loading_text(self) -> None:
        self._refresh_body()

    def watch_empty_text(self) -> None:
        self._refresh_body()

    # -- events ------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        x, y = offset
        if y == 0:
            self._sort_by_header(x + int(self.scroll_x))
            return
        row = int(self.scroll_y) + y - 1
        if row >= len(self._index):
            return
        if row == self._cursor_index:
            self.action_select_cursor()
        else:
            self.move_cursor(row=row)

    def on_resize(self) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    # -- rendering ---------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        styles = (
            self.rich_style,
            self.get_component_rich_style("resource-table--header"),
            self.get_component_rich_style("resource-table--cursor", partial=True),
            self.get_component_rich_style("resource-table--message"),
        )
        if styles != self._styles:
            self._styles = styles
            self._line_cache.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self._styles[0]
        if y == 0:
            strip = self._header_strip()
        else:
            row = scroll_y + y - 1
            if row < len(self._index):
                strip = self._row_strip(self._index.key_at(row), row == self._cursor_index)
            elif row == 0:
                strip = self._message_strip()
            else:
                return Strip.blank(width, base)
        return crop_marking_cut(strip, scroll_x, width, base)

    @property
    def _line_width(self) -> int:
        return max(self._content_width, self.size.width)

    @property
    def _content_width(self) -> int:
        if not self._layout:
            return 0
        widths = [width for _, width in self._layout]
        return MARGIN + sum(widths) + GAP * (len(widths) - 1) + MARGIN

    @property
    def _page_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _header_strip(self) -> Strip:
        key = ("header", self.sort_column, self.sort_reverse, self._layout_version, self.size.width)
        cached = self._line_cache.get(key)
        if cached is None:
            sort = (self.sort_column, self.sort_reverse)
            cached = header_strip(
                self._columns, self._layout, sort, self._line_width, self._styles[1]
            )
            self._line_cache[key] = cached
        return cached

    def _row_strip(self, key: str, cursor: bool) -> Strip:
        cache_key = (key, self._index.version(key), cursor, self._layout_version, self.size.width)
        cached = self._line_cache.get(cache_key)
        if cached is None:
            cells = self._index.get(key) or ()
            cached = row_strip(
                cells,
                self._columns,
                self._layout,
                self._line_width,
                self._styles[0],
                self.app.console,
            )
            if cursor:
                cached = cached.apply_style(self._styles[2])
            self._line_cache[cache_key] = cached
        return cached

    def _message_strip(self) -> Strip:
        message = self.empty_text if self.loaded else self.loading_text
        return message_strip(message, self._line_width, self._styles[3], self._styles[0])

    # -- internals ---------------------------------------------------------------------------

    def _column_position(self, key: str) -> int | None:
        for position, column in enumerate(self._columns):
            if column.key == key:
                return position
        return None

    def _sort_by_header(self, x: int) -> None:
        left = MARGIN
        for position, width in self._layout:
            column = self._columns[position]
            if left <= x < left + width:
                if not column.sortable:
                    return
                if self.sort_column == column.key:
                    self.sort_reverse = not self.sort_reverse
                else:
                    self.sort_column = column.key
                return
            left += width + GAP

    def _measure(self, keys: Iterable[str]) -> bool:
        """Grow auto-sized columns to fit the cells of `keys`; True if any grew."""
        rows = [cells for cells in map(self._index.get, keys) if cells]
        if not rows:
            return False
        grew = False
        for position, (column, column_cells) in enumerate(
            zip(self._columns, zip_longest(*rows, fillvalue=""), strict=False)
        ):
            if column.width is not None:
                continue
            longest = min(widest(column_cells), self._max_column_width)
            if longest > self._widths[position]:
                # Columns only grow: shrinking on every update would make them flicker.
                self._widths[position] = longest
                grew = True
        if grew:
            self._layout_version += 1
            self._widths_version += 1
        return grew

    def _fit(self) -> None:
        """Choose the columns shown and their widths for the width the rows have now."""
        width = self.size.width
        if width and len(self._index) + 1 > self.size.height:
            width -= self.styles.scrollbar_size_vertical  # the rows scroll: a scrollbar shows
        if (width, self._widths_version) == self._fitted:
            return  # every upsert asks: most change no width
        self._fitted = (width, self._widths_version)
        layout = (
            fit_columns(self._columns, self._widths, width)
            if width > 0
            else tuple(enumerate(self._widths))
        )
        if layout != self._layout:
            self._layout = layout
            self._layout_version += 1
            self.refresh()

    def _apply(self, change: Callable[[], Patch]) -> None:
        """Apply a patch, then keep the cursor on its key and repaint only what changed."""
        top = int(self.scroll_y)
        cursor_was_on_screen = top <= self._cursor_index < top + self._page_rows
        patch = change()
        grew = self._measure(patch.stored)
        if not patch.changed and not grew:
            return
        self._update_virtual_size()
        self._follow_cursor_key(keep_on_screen=cursor_was_on_screen)
        if patch.reordered or grew:
            self.refresh()
            return
        self._refresh_keys(patch.updated)

    def _refresh_keys(self, keys: tuple[str, ...]) -> None:
        """Repaint the rows of `keys` that are on screen.

        A second's AGE cells can touch thousands of rows: the window is worked out once, and
        when the keys outnumber its rows, each row on screen is looked up instead of each key.
        """
        top = int(self.scroll_y)
        end = min(top + self._page_rows, len(self._index))
        if len(keys) > end - top:
            wanted = set(keys)
            rows: Iterable[int | None] = (
                row for row in range(top, end) if self._index.key_at(row) in wanted
            )
        else:
            rows = map(self._index.index_of, keys)
        for row in rows:
            if row is not None and top <= row < end:
                # The header is line 0 of the widget; row r is virtual line r + 1.
                self.refresh_line(row + 1)

    def _resort(self) -> None:
        position = None if self.sort_column is None else self._column_position(self.sort_column)
        sort_key = None if position is None else self._columns[position].sort_key
        self._index.sort(position, sort_key, self.sort_reverse)
        self._line_cache.clear()
        self._follow_cursor_key(keep_on_screen=True)
        self.refresh()

    def _refilter(self) -> None:
        self._index.set_filter(self.filter_text, self._row_filter)
        self._update_virtual_size()
        self._follow_cursor_key(keep_on_screen=True)
        self.refresh()

    def _refresh_body(self) -> None:
        if not len(self._index):
            self.refresh()

    def _update_virtual_size(self) -> None:
        self._fit()  # the rows may have come to scroll, or a column to want more room
        rows = len(self._index) or 1
        size = Size(self._content_width, rows + 1)
        if size != self.virtual_size:
            self.virtual_size = size

    def _follow_cursor_key(self, *, keep_on_screen: bool) -> None:
        """Find the cursor's key again; if its row is gone, stay at the same position (clamped)."""
        position = None if self._cursor_key is None else self._index.index_of(self._cursor_key)
        if position is None:
            if not len(self._index):
                self._cursor_key = None
                self._cursor_index = 0
                return
            position = max(0, min(self._cursor_index, len(self._index) - 1))
        self._set_cursor(position)
        if keep_on_screen:
            self._scroll_cursor_into_view()

    def _set_cursor(self, position: int) -> None:
        key = self._index.key_at(position)
        previous = self._cursor_index
        self._cursor_index = position
        self._refresh_row(previous)
        self._refresh_row(position)
        if key == self._cursor_key:
            return
        self._cursor_key = key
        self.post_message(self.RowHighlighted(self, key))

    def _refresh_row(self, row: int) -> None:
        top = int(self.scroll_y)
        if top <= row < top + self._page_rows:
            # The header is line 0 of the widget; row r is virtual line r + 1.
            self.refresh_line(row + 1)

    def _scroll_cursor_into_view(self) -> None:
        if not self.size:
            return
        top = int(self.scroll_y)
        page = self._page_rows
        if self._cursor_index < top:
            self.scroll_to(y=self._cursor_index, animate=False)
        elif self._cursor_index >= top + page:
            self.scroll_to(y=self._cursor_index - page + 1, animate=False)
