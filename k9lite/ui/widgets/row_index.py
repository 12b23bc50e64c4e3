"""The sorted, filtered, keyed row index behind ResourceTable: plain data, no Textual.

Rows are tuples of cells under a stable key (`ns/name`). The index keeps the *visible* rows (those
passing the filter) in one ascending list of `(sort value, key)`, patched with bisect, so one upsert
costs O(log n) to find plus a memmove, and the row at screen line y is a list lookup.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias, cast

from rich.text import Text

__all__ = [
    "Cell",
    "Cells",
    "Patch",
    "RowIndex",
    "SortKey",
    "age_order",
    "cell_text",
    "number_order",
]

Cell: TypeAlias = "str | Text"
Cells: TypeAlias = "tuple[str | Text, ...]"
SortKey: TypeAlias = Callable[[str], Any]
"""Maps a cell's plain text to a sort value; all values of one column must be comparable."""

# A batch that touches more rows than this fraction of the index is applied with one full sort.
_BULK_FRACTION = 8
_BULK_MINIMUM = 64


def cell_text(cell: Cell) -> str:
    """The plain text of a cell."""
    return cell.plain if isinstance(cell, Text) else cell


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_DURATION_PART = re.compile(r"(\d+)([ydhms])")
_DURATION = re.compile(r"(?:\d+[ydhms])+")
_SECONDS = {"y": 365 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}


def number_order(text: str) -> tuple[int, float, str]:
    """Sort by the first number in a cell (`3 (5m ago)` -> 3, `1/2` -> 1); text-only cells last."""
    match = _NUMBER.search(text)
    if match is None:
        return (1, 0.0, text)
    return (0, float(match.group()), text)


def age_order(text: str) -> tuple[int, float, str]:
    """Sort kubectl ages (`45s`, `5m3s`, `2d4h`, `3y10d`) by duration; unparsable ones last."""
    # kubectl prints ages with HumanDuration: at most two units, largest first, no spaces.
    stripped = text.strip()
    if not _DURATION.fullmatch(stripped):
        return (1, 0.0, text)
    seconds = sum(int(n) * _SECONDS[unit] for n, unit in _DURATION_PART.findall(stripped))
    return (0, float(seconds), text)


class _Row:
    """One row: its cells, their plain text, the order key under the current sort, a version."""

    __slots__ = ("cells", "haystack", "order", "plain", "version")

    def __init__(self, cells: Cells, plain: tuple[str, ...], order: tuple[Any, str]) -> None:
        self.cells = cells
        self.plain = plain
        self.order = order
        self.haystack: str | None = None
        self.version = 0


@dataclass(frozen=True, slots=True)
class Patch:
    """What a batch changed among the visible rows, so the view repaints as little as it can."""

    stored: tuple[str, ...] = ()
    """Every row added or changed, visible or not."""
    updated: tuple[str, ...] = ()
    """Visible rows whose cells changed while their position stayed put."""
    reordered: bool = False
    """Visible rows were added, removed or moved: positions after the change may differ."""

    @property
    def changed(self) -> bool:
        """True when anything visible changed."""
        return self.reordered or bool(self.updated)


class RowIndex:
    """Rows by key, and the visible ones sorted by a column (ties by key), filtered by text."""

    __slots__ = ("_filter_text", "_order", "_reverse", "_row_filter", "_rows", "_sort")

    def __init__(self) -> None:
        self._rows: dict[str, _Row] = {}
        self._order: list[tuple[Any, str]] = []
        self._sort: tuple[int, SortKey | None] | None = None
        self._reverse = False
        self._filter_text = ""
        self._row_filter: Callable[[str], bool] | None = None

    # -- reading -----------------------------------------------------------------------------

    def __len__(self) -> int:
        """The number of visible rows."""
        return len(self._order)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    @property
    def total(self) -> int:
        """The number of rows, visible or filtered out."""
        return len(self._rows)

    @property
    def reverse(self) -> bool:
        """True when the visible order is descending."""
        return self._reverse

    @property
    def sort_column(self) -> int | None:
        """The index of the column rows are sorted by, or None for key order."""
        return None if self._sort is None else self._sort[0]

    def key_at(self, index: int) -> str:
        """The key of the visible row at `index` (0 = top of the table)."""
        if self._reverse:
            index = len(self._order) - 1 - index
            if index < 0:
                raise IndexError("row index out of range")
        return self._order[index][1]

    def index_of(self, key: str) -> int | None:
        """The visible position of `key`, or None when it is absent or filtered out."""
        row = self._rows.get(key)
        if row is None:
            return None
        position = bisect_left(self._order, row.order)
        if position == len(self._order) or self._order[position][1] != key:
            return None
        return len(self._order) - 1 - position if self._reverse else position

    def get(self, key: str) -> Cells | None:
        """The cells of `key` (visible or not), or None."""
        row = self._rows.get(key)
        return None if row is None else row.cells

    def version(self, key: str) -> int:
        """A number that changes whenever the cells of `key` change."""
        return self._rows[key].version

    def keys(self) -> list[str]:
        """The visible keys, top to bottom."""
        keys = [key for _, key in self._order]
        if self._reverse:
            keys.reverse()
        return keys

    def positions(self, keys: Collection[str], start: int, stop: int) -> Iterator[int]:
        """The visible positions in [start, stop) of the rows of `keys`.

        A second's AGE cells can touch thousands of rows: when the keys outnumber the positions,
        each position is looked up instead of each key.
        """
        if len(keys) > stop - start:
            wanted = set(keys)
            return (row for row in range(start, stop) if self.key_at(row) in wanted)
        found = map(self.index_of, keys)
        return (row for row in found if row is not None and start <= row < stop)

    def all_keys(self) -> list[str]:
        """Every key, visible or not, in no particular order."""
        return list(self._rows)

    # -- writing -----------------------------------------------------------------------------

    def upsert(self, rows: Mapping[str, Cells]) -> Patch:
        """Add new rows and update changed ones; unchanged rows cost a comparison."""
        changes = [(key, cells) for key, cells in rows.items() if self._differs(key, cells)]
        if not changes:
            return Patch()
        if self._is_bulk(len(changes)):
            for key, cells in changes:
                self._store(key, cells)
            self._rebuild()
            return Patch(stored=tuple(key for key, _ in changes), reordered=True)
        updated: list[str] = []
        reordered = False
        for key, cells in changes:
            old = self._rows.get(key)
            old_order = None if old is None else old.order
            # Membership, not the predicate: a row_filter may answer differently than it did.
            was_visible = old_order is not None and self._holds(old_order)
            row = self._store(key, cells)
            visible = self._is_visible(key, row)
            if was_visible and visible and old_order == row.order:
                updated.append(key)
                continue
            if was_visible and old_order is not None:
                self._discard(old_order)
                reordered = True
            if visible:
                insort(self._order, row.order)
                reordered = True
        stored = tuple(key for key, _ in changes)
        return Patch(stored=stored, updated=tuple(updated), reordered=reordered)

    def remove(self, keys: Iterable[str]) -> Patch:
        """Remove rows by key; unknown keys are ignored."""
        gone = [key for key in dict.fromkeys(keys) if key in self._rows]
        if not gone:
            return Patch()
        if self._is_bulk(len(gone)):
            for key in gone:
                del self._rows[key]
            self._rebuild()
            return Patch(reordered=True)
        reordered = False
        for key in gone:
            row = self._rows.pop(key)
            reordered = self._discard(row.order) or reordered
        return Patch(reordered=reordered)

    def replace(self, rows: Mapping[str, Cells]) -> Patch:
        """Make the index hold exactly `rows`: remove stale keys, add new, update changed."""
        stale = [key for key in self._rows if key not in rows]
        removed = self.remove(stale)
        upserted = self.upsert(rows)
        return Patch(
            stored=upserted.stored,
            updated=upserted.updated,
            reordered=removed.reordered or upserted.reordered,
        )

    def sort(
        self, column: int | None, sort_key: SortKey | None = None, reverse: bool = False
    ) -> None:
        """Sort visible rows by `column` (None: by key) through `sort_key`, ties by key."""
        self._reverse = reverse
        sort = None if column is None else (column, sort_key)
        if sort == self._sort:
            return
        self._sort = sort
        for key, row in self._rows.items():
            row.order = self._order_key(key, row.plain)
        self._rebuild()

    def set_filter(self, text: str = "", row_filter: Callable[[str], bool] | None = None) -> None:
        """Show only rows with a cell containing `text` (any case) whose key passes `row_filter`."""
        self._filter_text = text.casefold()
        self._row_filter = row_filter
        self._rebuild()

    # -- internals ---------------------------------------------------------------------------

    def _is_bulk(self, count: int) -> bool:
        return count > max(_BULK_MINIMUM, len(self._rows) // _BULK_FRACTION)

    def _differs(self, key: str, cells: Cells) -> bool:
        row = self._rows.get(key)
        return row is None or row.cells != cells

    def _order_key(self, key: str, plain: tuple[str, ...]) -> tuple[Any, str]:
        if self._sort is None:
            return ("", key)
        column, sort_key = self._sort
        text = plain[column] if column < len(plain) else ""
        return (text if sort_key is None else sort_key(text), key)

    def _store(self, key: str, cells: Cells) -> _Row:
        # Most rows are all plain strings: then the cells are their own plain text.
        all_str = Text not in map(type, cells)
        plain = cast("tuple[str, ...]", cells) if all_str else tuple(map(cell_text, cells))
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = _Row(cells, plain, self._order_key(key, plain))
        else:
            row.cells = cells
            row.plain = plain
            row.order = self._order_key(key, plain)
            row.haystack = None
            row.version += 1
        return row

    def _is_visible(self, key: str, row: _Row) -> bool:
        if self._filter_text:
            if row.haystack is None:
                # A newline between cells keeps a match from spanning two columns.
                row.haystack = "\n".join(row.plain).casefold()
            if self._filter_text not in row.haystack:
                return False
        return self._row_filter is None or self._row_filter(key)

    def _holds(self, order: tuple[Any, str]) -> bool:
        position = bisect_left(self._order, order)
        return position < len(self._order) and self._order[position] == order

    def _discard(self, order: tuple[Any, str]) -> bool:
        position = bisect_left(self._order, order)
        if position < len(self._order) and self._order[position] == order:
            del self._order[position]
            return True
        return False

    def _rebuild(self) -> None:
        self._order = sorted(
            row.order for key, row in self._rows.items() if self._is_visible(key, row)
        )
