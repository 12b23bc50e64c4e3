"""ResourceTable: the keyed row index (property-tested) and the widget driven through Pilot."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip

from k9lite.ui.widgets.resource_table import Column, ResourceTable
from k9lite.ui.widgets.row_index import Cells, RowIndex, age_order, cell_text, number_order

COLUMNS = [
    Column("name", "NAME"),
    Column("status", "STATUS"),
    Column("restarts", "RESTARTS", align="right", sort_key=number_order),
    Column("age", "AGE", align="right", sort_key=age_order),
]


def pods(count: int, *, prefix: str = "pod") -> dict[str, Cells]:
    """`count` rows keyed `default/<prefix>-NNN`, with varied status, restarts and age."""
    return {
        f"default/{prefix}-{i:03}": (
            f"{prefix}-{i:03}",
            ("Running", "Pending", "Failed")[i % 3],
            str(i % 11),
            f"{i % 5 + 1}m",
        )
        for i in range(count)
    }


class TableApp(App[None]):
    """One ResourceTable; records the messages it posts."""

    def __init__(self, rows: Mapping[str, Cells] | None = None, **table: object) -> None:
        super().__init__()
        self.rows = rows
        self.table_options = table
        self.highlighted: list[str] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield ResourceTable(columns=COLUMNS, **self.table_options)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        if self.rows is not None:
            self.query_one(ResourceTable).replace_all(self.rows)

    def on_resource_table_row_highlighted(self, message: ResourceTable.RowHighlighted) -> None:
        self.highlighted.append(message.key)

    def on_resource_table_row_selected(self, message: ResourceTable.RowSelected) -> None:
        self.selected.append(message.key)


def screen_text(table: ResourceTable) -> list[str]:
    """The widget's lines as plain text."""
    return [strip.text for strip in table.render_lines(table.size.region)]


# -- the row index --------------------------------------------------------------------------

KEYS = st.sampled_from([f"k{i}" for i in range(12)])
CELLS = st.tuples(
    st.sampled_from(["a", "B", "b", "ab", ""]),
    st.sampled_from(["1", "10", "2", "x", "9"]),
)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("upsert"), st.dictionaries(KEYS, CELLS, max_size=6)),
        st.tuples(st.just("remove"), st.lists(KEYS, max_size=4)),
        st.tuples(st.just("replace"), st.dictionaries(KEYS, CELLS, max_size=8)),
        st.tuples(st.just("sort"), st.tuples(st.sampled_from([None, 0, 1]), st.booleans())),
        st.tuples(st.just("filter"), st.sampled_from(["", "a", "B", "1", "zz"])),
    ),
    max_size=30,
)


def expected_order(
    rows: dict[str, Cells], column: int | None, reverse: bool, text: str
) -> list[str]:
    def order(key: str) -> tuple[object, str]:
        if column is None:
            return ("", key)
        value = cell_text(rows[key][column])
        return (number_order(value) if column == 1 else value, key)

    shown = [k for k, cells in rows.items() if text.casefold() in "\n".join(cells).casefold()]
    return sorted(shown, key=order, reverse=reverse)


@settings(max_examples=300, deadline=None)
@given(OPERATIONS)
def test_index_order_equals_sorting_the_dict(operations: list[tuple[str, object]]) -> None:
    index = RowIndex()
    model: dict[str, Cells] = {}
    column: int | None = None
    reverse = False
    text = ""
    for name, argument in operations:
        if name == "upsert":
            assert isinstance(argument, dict)
            index.upsert(argument)
            model.update(argument)
        elif name == "remove":
            assert isinstance(argument, list)
            index.remove(argument)
            for key in argument:
                model.pop(key, None)
        elif name == "replace":
            assert isinstance(argument, dict)
            index.replace(argument)
            model = dict(argument)
        elif name == "sort":
            assert isinstance(argument, tuple)
            column, reverse = argument
            index.sort(column, number_order if column == 1 else None, reverse)
        else:
            assert isinstance(argument, str)
            text = argument
            index.set_filter(text)
        expected = expected_order(model, column, reverse, text)
        assert index.keys() == expected
        assert [index.key_at(i) for i in range(len(index))] == expected
        assert all(index.index_of(key) == i for i, key in enumerate(expected))
        assert index.total == len(model)


def test_index_bulk_path_matches_incremental_path() -> None:
    rows = pods(500)
    bulk, incremental = RowIndex(), RowIndex()
    for index in (bulk, incremental):
        index.sort(2, number_order, reverse=True)
    bulk.upsert(rows)
    for key, cells in rows.items():
        incremental.upsert({key: cells})
    assert bulk.keys() == incremental.keys()
    assert bulk.keys()[0] == "default/pod-494"  # 10 restarts, the highest key among ties


def test_index_patch_says_what_moved() -> None:
    index = RowIndex()
    index.upsert({"a": ("a", "1"), "b": ("b", "2")})
    same = index.upsert({"a": ("a", "1")})
    assert not same.changed
    in_place = index.upsert({"a": ("a", "9")})
    assert in_place.updated == ("a",) and not in_place.reordered
    assert index.version("a") == 1
    index.sort(1)
    moved = index.upsert({"a": ("a", "0")})
    assert moved.reordered and index.keys() == ["a", "b"]


def test_row_filter_consulted_on_membership_not_memory() -> None:
    allowed = {"a"}
    index = RowIndex()
    index.set_filter("", allowed.__contains__)
    index.upsert({"a": ("x",), "b": ("y",)})
    assert index.keys() == ["a"]
    allowed.clear()  # the predicate changes its mind; an update must not leave a stale row
    index.upsert({"a": ("z",)})
    assert index.keys() == []


def test_number_and_age_orders() -> None:
    assert sorted(["10", "9", "<none>", "1 (5m ago)"], key=number_order) == [
        "1 (5m ago)",
        "9",
        "10",
        "<none>",
    ]
    assert sorted(["2d4h", "45s", "5m3s", "1y", "<unknown>", "90m"], key=age_order) == [
        "45s",
        "5m3s",
        "90m",
        "2d4h",
        "1y",
        "<unknown>",
    ]


# -- the widget -----------------------------------------------------------------------------


async def test_loading_then_empty_then_rows() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.pause()
        assert "Loading…" in screen_text(table)[1]
        assert "No resources" not in app.export_screenshot()
        table.upsert_rows({})
        await pilot.pause()
        assert "Loading…" in screen_text(table)[1], "only a full list ends the loading state"
        table.replace_all({})
        await pilot.pause()
        assert "No resources" in screen_text(table)[1]
        table.replace_all(pods(3))
        await pilot.pause()
        svg = app.export_screenshot()
        assert "NAME" in svg and "RESTARTS" in svg and "pod-001" in svg
        assert "No resources" not in svg


async def test_header_shows_sort_arrow_and_cursor_is_reverse_video() -> None:
    app = TableApp(pods(5))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.sort_column = "status"
        await pilot.pause()
        assert "STATUS▲" in screen_text(table)[0]
        await pilot.press("R")
        assert "STATUS▼" in screen_text(table)[0]
        assert "STATUS▼" in app.export_screenshot().replace("&#160;", " ")
        cursor_line = table.render_line(1 + table.cursor_row)
        assert cursor_line.text.strip().startswith(table.cursor_key.split("/")[1])  # type: ignore[union-attr]
        assert all(segment.style and segment.style.reverse for segment in cursor_line)
        other_line = table.render_line(2 + table.cursor_row)
        assert not any(segment.style and segment.style.reverse for segment in other_line)


async def test_cursor_keys_and_selection_messages() -> None:
    app = TableApp(pods(100))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.focus()
        await pilot.pause()
        assert table.cursor_key == "default/pod-000"
        await pilot.press("down", "down", "up")
        assert table.cursor_key == "default/pod-001"
        await pilot.press("pagedown")
        page = table.scrollable_content_region.height - 1
        assert table.cursor_row == 1 + page
        await pilot.press("end")
        assert table.cursor_key == "default/pod-099"
        assert "pod-099" in screen_text(table)[-1]
        await pilot.press("home")
        assert table.cursor_key == "default/pod-000" and table.scroll_y == 0
        await pilot.press("ctrl+end", "pageup", "enter")
        await pilot.pause()
        assert table.cursor_row == 99 - page
        assert app.selected == [f"default/pod-{99 - page:03}"]
        assert app.highlighted[0] == "default/pod-000"
        assert app.highlighted[-1] == app.selected[-1]


async def test_cursor_follows_its_key_through_adds_updates_and_removes() -> None:
    app = TableApp(pods(10))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.move_cursor(key="default/pod-005")
        await pilot.pause()
        assert table.cursor_row == 5
        table.upsert_rows({"default/a-first": ("a-first", "Running", "0", "1m")})
        assert (table.cursor_key, table.cursor_row) == ("default/pod-005", 6)
        table.upsert_rows({"default/pod-005": ("pod-005", "Failed", "4", "2m")})
        assert table.cursor_key == "default/pod-005"
        assert "Failed" in screen_text(table)[1 + table.cursor_row]
        table.remove_rows(["default/pod-000", "default/pod-001"])
        assert (table.cursor_key, table.cursor_row) == ("default/pod-005", 4)
        highlighted = len(app.highlighted)
        table.remove_rows(["default/pod-005"])
        await pilot.pause()
        # Its row is gone: the cursor stays at the same position, on the next row.
        assert (table.cursor_key, table.cursor_row) == ("default/pod-006", 4)
        assert app.highlighted[highlighted:] == ["default/pod-006"]
        table.replace_all({k: v for k, v in pods(3).items()})
        assert table.visible_keys() == [f"default/pod-00{i}" for i in range(3)]
        assert (table.cursor_key, table.cursor_row) == ("default/pod-002", 2)


async def test_scroll_position_stays_put_unless_the_cursor_would_leave() -> None:
    app = TableApp(pods(200))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.move_cursor(row=100)
        await pilot.pause()
        top = table.scroll_y
        assert top > 0 and table.cursor_row == 100
        table.move_cursor(row=int(top) + 5)  # mid-screen
        table.upsert_rows({"default/a-new": ("a-new", "Pending", "0", "1s")})
        table.remove_rows(["default/pod-199"])
        await pilot.pause()
        assert table.scroll_y == top
        bottom = int(top) + table.scrollable_content_region.height - 2
        table.move_cursor(row=bottom)  # last visible line: one more row above pushes it off
        table.upsert_rows({"default/a-newer": ("a-newer", "Pending", "0", "1s")})
        await pilot.pause()
        assert table.scroll_y == top + 1
        assert table.cursor_row == bottom + 1


async def test_sorting_cycles_columns_reverses_and_uses_sort_keys() -> None:
    app = TableApp(pods(30))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.focus()
        table.move_cursor(key="default/pod-007")
        await pilot.press("S")
        assert table.sort_column == "name"
        await pilot.press("S", "S")
        assert table.sort_column == "restarts"
        restarts = [int(table.get_row(k)[2]) for k in table.visible_keys()]  # type: ignore[index, arg-type]
        assert restarts == sorted(restarts) and restarts[-1] == 10, "numeric, not text order"
        ties = [k for k in table.visible_keys() if table.get_row(k)[2] == "0"]  # type: ignore[index]
        assert ties == sorted(ties), "ties keep key order"
        ascending = table.visible_keys()
        await pilot.press("R")
        assert table.visible_keys() == ascending[::-1]
        assert table.cursor_key == "default/pod-007", "the cursor follows its row"
        await pilot.press("S", "S")
        assert table.sort_column == "name", "the cycle wraps"


async def test_clicking_a_header_sorts_and_clicking_the_cursor_row_selects() -> None:
    app = TableApp(pods(5))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.click(ResourceTable, offset=(2, 0))
        assert table.sort_column == "name" and not table.sort_reverse
        await pilot.click(ResourceTable, offset=(2, 0))
        assert table.sort_reverse
        await pilot.click(ResourceTable, offset=(2, 2))
        assert table.cursor_key == "default/pod-003"
        await pilot.click(ResourceTable, offset=(2, 2))
        await pilot.pause()
        assert app.selected == ["default/pod-003"]


async def test_filter_text_and_row_filter() -> None:
    app = TableApp(pods(30))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        table.move_cursor(key="default/pod-011")
        table.filter_text = "FAILED"
        await pilot.pause()
        assert table.visible_count == 10 and table.row_count == 30
        assert all(table.get_row(k)[1] == "Failed" for k in table.visible_keys())  # type: ignore[index]
        assert (table.cursor_key, table.cursor_row) == ("default/pod-011", 3)
        table.row_filter = lambda key: key.endswith(("1", "2", "3", "4"))
        expected = ["default/pod-002", "default/pod-011", "default/pod-014", "default/pod-023"]
        assert table.visible_keys() == expected
        assert (table.cursor_key, table.cursor_row) == ("default/pod-011", 1)
        table.row_filter = lambda key: key.endswith(("2", "3", "4"))
        assert (table.cursor_key, table.cursor_row) == ("default/pod-014", 1), "same position"
        table.filter_text = "nothing matches"
        await pilot.pause()
        assert table.visible_count == 0 and table.cursor_key is None
        assert "No resources" in screen_text(table)[1]
        table.filter_text = ""
        table.row_filter = None
        assert table.visible_count == 30


async def test_columns_grow_with_content_and_never_shrink() -> None:
    app = TableApp(pods(3))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(ResourceTable)
        name_width = table.column_widths[0]
        assert name_width == len("pod-000")
        long_name = "x" * 70
        table.upsert_rows(
            {"default/pod-000": (Text(long_name, style="bold"), "Running", "0", "1m")}
        )
        await pilot.pause()
        assert table.column_widths[0] == 60, "capped"
        assert "x" * 59 + "…" in screen_text(table)[1]
        table.upsert_rows({"default/pod-000": ("pod-000", "Running", "0", "1m")})
        assert table.column_widths[0] == 60, "no flicker back to narrow"
        table.set_columns([Column("name", "NAME", width=5), Column("status", "STATUS")])
        await pilot.pause()
        assert table.column_widths == (5, len("Running"))
        assert screen_text(table)[1].startswith(" pod-…  Running")


class FirstPaint(ResourceTable):
    """Keeps the text of its first paint that shows rows."""

    first: list[str] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self.first is None and self.row_count:
            self.first = [line.text for line in lines]
        return lines


class RowsBeforeResize(App[None]):
    """Rows put in at mount, before the table's first Resize: as the app's first list, which
    its session starts fetching before the app exists."""

    def compose(self) -> ComposeResult:
        yield FirstPaint(columns=[Column("name", "NAME"), Column("ip", "IP", priority=1)])

    def on_mount(self) -> None:
        self.query_one(FirstPaint).replace_all({"default/a": ("name-12345", "10.200.300.400")})


async def test_the_first_paint_of_rows_fits_the_columns_to_the_width() -> None:
    app = RowsBeforeResize()
    async with app.run_test(size=(16, 4)) as pilot:
        await pilot.pause()
        first = app.query_one(FirstPaint).first
    assert first is not None and "name-12345" in first[1], first
    assert "IP" not in first[0], f"the priority-1 column must drop out at 16 columns: {first}"
