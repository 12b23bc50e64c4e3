"""ResourceTable: a virtualised, keyed, sortable, filterable table that stays fast at 10,000 rows.

A ScrollView on Textual's Line API: `render_line` draws only the lines on screen, reading rows
from a sorted keyed `RowIndex`; a `ColumnLayout` says which columns show and how wide, and a
`TablePainter` draws and caches each line by (key, version, cursor, layout). Rows are
patched by key (`upsert_rows`, `remove_rows`, `replace_all`), never cleared and refilled, so the
cursor (which follows a row key) and the scroll position survive updates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.strip import Strip

from k9lite.ui.keys import TABLE_KEYS
from k9lite.ui.widgets.column_layout import ColumnLayout
from k9lite.ui.widgets.row_index import Cells, Patch
from k9lite.ui.widgets.table_cursor import TableCursorView
from k9lite.ui.widgets.table_lines import MAX_COLUMN_WIDTH, Column, crop_marking_cut
from k9lite.ui.widgets.table_painter import TablePainter

__all__ = ["Column", "ResourceTable"]


class ResourceTable(TableCursorView, can_focus=True):
    """A table of rows keyed by a stable string, with a row cursor that follows its key.

    Keys: up/down (j/k), pageup/pagedown, home/end (g/G, ctrl+home/ctrl+end) move the cursor,
    enter selects, `S` cycles the sort column, `R` reverses the order. When the columns do not
    fit, the ones of lowest priority narrow or drop out (see `fit_columns`). The cursor, its
    keys and the RowHighlighted and RowSelected messages come from `TableCursorView`.
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
        self._row_filter: Callable[[str], bool] | None = None
        self._layout = ColumnLayout(max_column_width)
        self._painter = TablePainter(self._index, self._layout)
        self.set_reactive(ResourceTable.loaded, loaded)
        self.set_reactive(ResourceTable.empty_text, empty_text)
        self.set_reactive(ResourceTable.loading_text, loading_text)
        self.set_columns(columns)

    # -- reading -----------------------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns, left to right."""
        return self._layout.columns

    @property
    def row_count(self) -> int:
        """Every row, visible or filtered out."""
        return self._index.total

    @property
    def visible_count(self) -> int:
        """The rows that pass the filters."""
        return len(self._index)

    @property
    def column_widths(self) -> tuple[int, ...]:
        """The width each column's content asks for, in cells (shown or not)."""
        return self._layout.wanted

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

    def on_screen_keys(self) -> list[str]:
        """The keys of the rows drawn now (under the header), top to bottom."""
        top = self.scroll_offset.y
        end = min(len(self._index), top + max(0, self.size.height - 1))
        return [self._index.key_at(row) for row in range(top, end)]

    # -- patching ----------------------------------------------------------------------------

    def set_columns(self, columns: Iterable[Column]) -> None:
        """Replace the columns; widths are measured again from the current rows."""
        self._layout.set_columns(columns)
        self._measure(self._index.all_keys())
        self._update_virtual_size()
        if self.sort_column is not None and self._layout.position(self.sort_column) is None:
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

    # -- actions -----------------------------------------------------------------------------

    def action_cycle_sort(self) -> None:
        sortable = [column.key for column in self._layout.columns if column.sortable]
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
            if sort_column is None or self._layout.position(sort_column) is not None
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
        self._click_row(int(self.scroll_y) + y - 1)

    def on_resize(self) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    # -- rendering ---------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Rows may come before the table's first Resize (the app's session is started before
        # the app, so its first list can be in at mount): fit the columns to the width this
        # paint has, not to none (every column, cut at the edge), for the first frame too.
        self._update_virtual_size()
        self._painter.set_styles(
            (
                self.rich_style,
                self.get_component_rich_style("resource-table--header"),
                self.get_component_rich_style("resource-table--cursor", partial=True),
                self.get_component_rich_style("resource-table--message"),
            )
        )
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self._painter.styles[0]
        if y == 0:
            strip = self._painter.header((self.sort_column, self.sort_reverse), width)
        else:
            row = scroll_y + y - 1
            if row < len(self._index):
                key = self._index.key_at(row)
                strip = self._painter.row(
                    key, row == self._cursor.position, width, self.app.console
                )
            elif row == 0:
                message = self.empty_text if self.loaded else self.loading_text
                strip = self._painter.message(message, width)
            else:
                return Strip.blank(width, base)
        return crop_marking_cut(strip, scroll_x, width, base)

    # -- internals ---------------------------------------------------------------------------

    def _sort_by_header(self, x: int) -> None:
        column = self._layout.column_at(x)
        if column is None or not column.sortable:
            return
        if self.sort_column == column.key:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column = column.key

    def _measure(self, keys: Iterable[str]) -> bool:
        """Grow auto-sized columns to fit the cells of `keys`; True if any grew."""
        return self._layout.measure([cells for cells in map(self._index.get, keys) if cells])

    def _fit(self) -> None:
        """Choose the columns shown and their widths for the width the rows have now."""
        width = self.size.width
        if width and len(self._index) + 1 > self.size.height:
            width -= self.styles.scrollbar_size_vertical  # the rows scroll: a scrollbar shows
        if self._layout.fit(width):
            self.refresh()

    def _apply(self, change: Callable[[], Patch]) -> None:
        """Apply a patch, then keep the cursor on its key and repaint only what changed."""
        top = int(self.scroll_y)
        cursor_was_on_screen = top <= self._cursor.position < top + self._page_rows
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
        """Repaint the rows of `keys` that are on screen."""
        top = int(self.scroll_y)
        for row in self._index.positions(keys, top, min(top + self._page_rows, len(self._index))):
            # The header is line 0 of the widget; row r is virtual line r + 1.
            self.refresh_line(row + 1)

    def _resort(self) -> None:
        position = None if self.sort_column is None else self._layout.position(self.sort_column)
        sort_key = None if position is None else self._layout.columns[position].sort_key
        self._index.sort(position, sort_key, self.sort_reverse)
        self._painter.clear()
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
        size = Size(self._layout.content_width, rows + 1)
        if size != self.virtual_size:
            self.virtual_size = size
