"""The logs view's lines, as text: timestamps split off, prefixes, the cap, search, literal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from k9lite.render.logs import LogBuffer, LogLine, log_text, pod_style, short_names, split_stamp


def test_a_timestamp_is_split_off_only_when_the_line_starts_with_one() -> None:
    assert split_stamp("2024-05-01T12:00:00.123456789Z GET / 200") == (
        "2024-05-01T12:00:00.123456789Z",
        "GET / 200",
    )
    assert split_stamp("2024-05-01T12:00:00+02:00 x") == ("2024-05-01T12:00:00+02:00", "x")
    assert split_stamp("GET / 200") == ("", "GET / 200")
    assert split_stamp("2024-05-01 12:00:00 x") == ("", "2024-05-01 12:00:00 x")


def test_prefixes_are_the_generated_suffix_unless_two_pods_share_it() -> None:
    assert short_names(["web-7d9f-x7k2p", "web-7d9f-ab3cd"]) == {
        "web-7d9f-x7k2p": "x7k2p",
        "web-7d9f-ab3cd": "ab3cd",
    }
    assert short_names(["a-x7k2p", "b-x7k2p", "solo"]) == {
        "a-x7k2p": "a-x7k2p",
        "b-x7k2p": "b-x7k2p",
        "solo": "solo",
    }


@given(st.lists(st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,5}){0,3}", fullmatch=True)))
def test_prefixes_tell_every_pod_apart(names: list[str]) -> None:
    shorts = short_names(names)
    assert len(set(shorts.values())) == len(set(names))


def test_a_pods_colour_is_the_same_on_every_run() -> None:
    # crc32, not Python's salted hash(): these hold in every process.
    assert pod_style("hostname-server-54dd5f4bf-2q8jf") == pod_style(
        "hostname-server-54dd5f4bf-2q8jf"
    )
    assert {pod_style(f"pod-{n}") for n in range(40)} != {pod_style("pod-0")}


def test_the_buffer_keeps_the_last_lines_and_counts_the_dropped() -> None:
    buffer = LogBuffer(cap=3)
    for n in range(5):
        buffer.add(LogLine("p", str(n)))
    assert [line.text for line in buffer] == ["2", "3", "4"]
    assert (len(buffer), buffer.dropped) == (3, 2)
    buffer.clear()
    assert (len(buffer), buffer.dropped) == (0, 0)


def test_a_line_is_text_never_markup_nor_control_bytes() -> None:
    text = "GET /[bold]x[/bold]\x1b[2J\x9b\ttab\r done"
    line = LogLine("web-x7k2p", text, "2024-05-01T12:00:00Z")
    shown = log_text(line, prefix="x7k2p", width=7, timestamps=True)
    assert shown is not None
    assert shown.plain == (
        "x7k2p   2024-05-01T12:00:00Z GET /[bold]x[/bold]\\x1b[2J\\x9b\ttab\\r done"
    )
    # Only the prefix's colour and the timestamp's dimness: nothing of the line became a style.
    assert {str(span.style) for span in shown.spans} == {f"bold {pod_style('web-x7k2p')}", "dim"}
    assert log_text(line).plain.startswith("GET /[bold]")  # type: ignore[union-attr]


def test_search_keeps_the_lines_containing_it_and_highlights_each() -> None:
    line = LogLine("p", "GET /a 200, get /b 404")
    assert log_text(line, search="POST") is None
    shown = log_text(line, search="get")
    assert shown is not None
    assert [(s.start, s.end) for s in shown.spans if s.style == "reverse"] == [(0, 3), (12, 15)]
