"""How ResourceTable's lines look: its columns, and the header, row and message strips.

Pure drawing, no widget state: the table decides which lines to draw and caches them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from k9lite.render.cut import keep_end
from k9lite.ui.widgets.row_index import Cell, SortKey

__all__ = [
    "GAP",
    "MARGIN",
    "MAX_COLUMN_WIDTH",
    "Align",
    "Column",
    "Cut",
    "crop_marking_cut",
    "fit_columns",
    "header_strip",
    "message_strip",
    "row_strip",
    "widest",
]

Align = Literal["left", "center", "right"]
Cut = Literal["end", "middle"]

MARGIN = 1
"""Blank cells left of the first column."""
GAP = 2
"""Blank cells between two columns."""
MAX_COLUMN_WIDTH = 60
"""Auto-sized columns grow with their content up to this width, then cut with an ellipsis."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its key, header label, fixed width (None: auto), alignment and sort order."""

    key: str
    label: str
    width: int | None = None
    align: Align = "left"
    sortable: bool = True
    sort_key: SortKey | None = None
    """Maps a cell's plain text to a sort value (e.g. `age_order`); None sorts by the text."""
    priority: int = 0
    """0: always shown; when the terminal is too narrow, the highest numbers are dropped first."""
    min_width: int | None = None
    """How narrow the column may get; None: never narrower than its content (an IP, a port, a
    count: cut, they would read as another value)."""
    rest_priority: int | None = None
    """The priority of the width past `min_width` (None: the column's own): `2 ready · ...`
    keeps its counts at priority 0 and gives its address list up before other columns drop."""
    cut: Cut = "end"
    """Where a cell too wide is cut: at the end, or in the middle (names keep their suffix)."""


def fit_columns(
    columns: Sequence[Column], widths: Sequence[int], available: int
) -> tuple[tuple[int, int], ...]:
    """The columns to show in `available` cells, as (position, width), left to right.

    Each column asks for its narrowest width at its `priority`, and for the rest of its width
    at its `rest_priority`; asks are granted by priority (then position) while they fit, the
    rest of a width in part. Priority-0 narrowest widths are always granted (past them the
    table scrolls sideways).
    """
    asks: list[tuple[int, int, int, int]] = []  # (priority, second ask?, position, width)
    for position, (column, width) in enumerate(zip(columns, widths, strict=True)):
        floor = width if column.min_width is None else min(column.min_width, width)
        asks.append((column.priority, 0, position, floor))
        if width > floor:
            rest = column.priority if column.rest_priority is None else column.rest_priority
            asks.append((rest, 1, position, width - floor))
    budget = available - 2 * MARGIN
    granted: dict[int, int] = {}
    used = -GAP
    for priority, second, position, width in sorted(asks):
        if second:
            if position in granted:
                extra = max(0, min(width, budget - used))
                granted[position] += extra
                used += extra
        elif priority == 0 or used + GAP + width <= budget:
            granted[position] = width
            used += GAP + width
    return tuple(sorted(granted.items()))


def fit(text: str, width: int, align: Align, cut: Cut = "end") -> str:
    """Cut `text` to `width` cells (with an ellipsis) and pad it as `align` says."""
    length = cell_len(text)
    if length > width:
        return _cut(text, width, cut)
    space = width - length
    if align == "left":
        return text + " " * space
    if align == "right":
        return " " * space + text
    left = space // 2
    return " " * left + text + " " * (space - left)


def _cut(text: str, width: int, cut: Cut) -> str:
    """`text` in `width` cells with an ellipsis where it was cut: at the end, or in the middle
    keeping the end (the random suffix that tells `web-5d8f9c7b4-x2x9k` from its siblings)."""
    if width <= 1:
        return "…"[:width]
    if cut == "middle":
        return keep_end(text, width)
    return set_cell_size(text, width - 1) + "…"


def widest(cells: tuple[str | Text, ...]) -> int:
    """The width in cells of the widest of `cells`."""
    if Text not in map(type, cells) and "".join(cells).isascii():  # type: ignore[arg-type]
        # The common case, measured in C: printable ASCII is one cell per character.
        return max(map(len, cells))
    return max(cell.cell_len if isinstance(cell, Text) else cell_len(cell) for cell in cells)


def crop_marking_cut(strip: Strip, start: int, width: int, style: Style) -> Strip:
    """The strip's cells start..start+width; a value cut at the right edge ends in "…".

    A cut "8080:30" would read as a real value; the ellipsis says that more is to the right.
    """
    end = start + width
    if width > 1 and strip.cell_length > end:
        edge = strip.crop(end - 1, end + 1).text
        if len(edge) == 2 and not edge.isspace() and " " not in edge:
            last = strip.crop(end - 1, end)
            marker = Strip([Segment("…", next(iter(last), Segment("", style)).style)])
            return Strip.join([strip.crop_extend(start, end - 1, style), marker])
    return strip.crop_extend(start, end, style)


def header_strip(
    columns: Sequence[Column],
    layout: Sequence[tuple[int, int]],
    sort: tuple[str | None, bool],
    line_width: int,
    style: Style,
) -> Strip:
    """The header: each shown label fitted to its column, the sort column marked ▲ or ▼."""
    sort_column, reverse = sort
    labels = []
    for position, width in layout:
        column = columns[position]
        label = column.label
        if column.key == sort_column:
            # An arrow, not a colour, marks the sort column: readable with NO_COLOR.
            label += "▼" if reverse else "▲"
        labels.append(fit(label, width, column.align))
    text = " " * MARGIN + (" " * GAP).join(labels)
    return Strip([Segment(text, style)]).extend_cell_length(line_width, style)


def row_strip(
    cells: Sequence[Cell],
    columns: Sequence[Column],
    layout: Sequence[tuple[int, int]],
    line_width: int,
    base: Style,
    console: Console,
) -> Strip:
    """One row: the cell of each shown column fitted to its width (Rich Text keeps its styles)."""
    segments = [Segment(" " * MARGIN, base)]
    for shown, (position, width) in enumerate(layout):
        if shown:
            segments.append(Segment(" " * GAP, base))
        column = columns[position]
        cell = cells[position] if position < len(cells) else ""
        if isinstance(cell, Text):
            segments.extend(_text_segments(cell, width, column.align, base, console))
        else:
            text = cell.replace("\n", " ")
            segments.append(Segment(fit(text, width, column.align, column.cut), base))
    return Strip(segments).extend_cell_length(line_width, base)


def _text_segments(
    cell: Text, width: int, align: Align, base: Style, console: Console
) -> list[Segment]:
    text = cell.copy()
    if "\n" in text.plain:
        text = Text(" ").join(text.split("\n"))
    text.truncate(width, overflow="ellipsis")
    text.align(align, width)
    return list(Segment.apply_style(text.render(console), base))


def message_strip(message: str, line_width: int, style: Style, base: Style) -> Strip:
    """The line shown where rows would be: loading, or nothing to show."""
    return Strip([Segment(" " * MARGIN + message, style)]).extend_cell_length(line_width, base)
