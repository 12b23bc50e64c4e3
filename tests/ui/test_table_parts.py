"""ResourceTable's pure parts on their own: the cursor, the column layout, on-screen positions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from k9lite.ui.widgets.column_layout import ColumnLayout
from k9lite.ui.widgets.row_cursor import RowCursor
from k9lite.ui.widgets.row_index import RowIndex
from k9lite.ui.widgets.table_lines import GAP, MARGIN, Column


def _index(*keys: str) -> RowIndex:
    index = RowIndex()
    index.upsert({key: (key,) for key in keys})
    return index


def test_the_cursor_follows_its_key_and_stays_in_place_when_its_row_goes() -> None:
    index = _index("a", "b", "c")
    cursor = RowCursor(index)
    assert cursor.follow() == 0, "no key yet: the first row"
    assert cursor.place(1) == (0, "b")
    assert cursor.place(1) == (1, None), "same key: no highlight to post"
    index.upsert({"0": ("0",)})
    assert cursor.follow() == 2, "b moved down one row"
    assert cursor.place(2) == (1, None)
    index.remove(["b"])
    assert cursor.follow() == 2, "b gone: the same position"
    index.remove(["0", "a", "c"])
    assert cursor.follow() is None
    assert (cursor.key, cursor.position) == (None, 0)


def test_cursor_targets_are_clamped_and_hidden_keys_go_nowhere() -> None:
    cursor = RowCursor(_index("a", "b", "c"))
    assert cursor.target(row=-5) == 0
    assert cursor.target(row=99) == 2
    assert cursor.target(key="c") == 2
    assert cursor.target(key="zz") is None
    assert cursor.target() is None
    assert RowCursor(RowIndex()).target(row=0) is None


def test_the_cursor_scrolls_only_when_off_screen() -> None:
    cursor = RowCursor(_index(*"abcdefghij"))
    cursor.place(5)
    assert cursor.scroll_top(top=3, page=4) is None
    assert cursor.scroll_top(top=6, page=4) == 5, "above the window: it becomes the top row"
    assert cursor.scroll_top(top=0, page=4) == 2, "below the window: it becomes the bottom row"


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.sampled_from([f"k{i:02}" for i in range(30)]), max_size=40),
    start=st.integers(0, 30),
    length=st.integers(0, 30),
)
def test_positions_are_the_on_screen_rows_of_the_keys(
    keys: list[str], start: int, length: int
) -> None:
    index = _index(*(f"k{i:02}" for i in range(0, 30, 2)))
    stop = min(start + length, len(index))
    expected = sorted(
        {p for key in keys if (p := index.index_of(key)) is not None and start <= p < stop}
    )
    assert sorted(set(index.positions(keys, start, stop))) == expected


def test_columns_grow_with_their_cells_up_to_the_cap_and_never_shrink() -> None:
    layout = ColumnLayout(max_column_width=10)
    layout.set_columns([Column("name", "NAME"), Column("age", "AGE", width=3)])
    assert layout.wanted == (5, 3), "a header and a space, or the fixed width"
    version = layout.version
    assert layout.measure([("web-1", "1m")]) is False
    assert layout.measure([("a-rather-long-name", "10d")]) is True
    assert layout.wanted == (10, 3)
    assert layout.version > version
    assert layout.measure([("x", "1s")]) is False
    assert layout.wanted == (10, 3)


def test_the_fit_changes_only_with_the_width_or_the_wanted_widths() -> None:
    layout = ColumnLayout(max_column_width=60)
    layout.set_columns([Column("name", "NAME"), Column("ip", "IP", priority=1)])
    layout.measure([("name-12345", "10.0.0.1")])
    assert layout.fit(80) is True
    assert layout.shown == ((0, 10), (1, 8))
    assert layout.content_width == MARGIN + 10 + GAP + 8 + MARGIN
    assert layout.fit(80) is False, "nothing changed"
    assert layout.fit(14) is True
    assert layout.shown == ((0, 10),), "the priority-1 column drops out"
    assert layout.column_at(MARGIN) == layout.columns[0]
    assert layout.column_at(0) is None, "the margin"
    assert layout.position("ip") == 1
    assert layout.position("nope") is None
