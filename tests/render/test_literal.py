"""render.literal: the one rule that turns cluster and user text into printable data."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

from k9lite.render.literal import json_line, literal
from tests.render.hostile import hostile, printed, raw_controls

_ANY = st.text(st.characters(codec="utf-8")) | hostile


@pytest.mark.parametrize(
    ("text", "one_line", "lines"),
    [
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07", "\\x1b]0;pwned\\x07"),
        ("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred", "\\x1b[2J\\x1b[31mred"),
        ("\x9b2J\x7f\x00", "\\x9b2J\\x7f\\x00", "\\x9b2J\\x7f\\x00"),
        ("a\tb\nc", "a\\tb\\nc", "a\tb\nc"),
        ("one\r\ntwo", "one\\r\\ntwo", "one\ntwo"),
        ("over\rwrite", "over\\rwrite", "over\\rwrite"),
        ("\u202egnp.exe\u2028", "\\u202egnp.exe\\u2028", "\\u202egnp.exe\\u2028"),
        ("undecodable \udc80", "undecodable \\udc80", "undecodable \\udc80"),
        ("[/] [bold red]X[/] C:\\dir", "[/] [bold red]X[/] C:\\dir", "[/] [bold red]X[/] C:\\dir"),
        ("ポッド-名前 ✓ café", "ポッド-名前 ✓ café", "ポッド-名前 ✓ café"),
    ],
)
def test_controls_become_visible_escapes(text: str, one_line: str, lines: str) -> None:
    assert literal(text) == one_line
    assert literal(text, multiline=True) == lines


def test_printable_text_keeps_its_cell_width() -> None:
    # East-Asian wide characters stay themselves, so a column still measures them as 2 cells.
    assert cell_len(literal("名前")) == 4
    assert cell_len(literal("名\x1b前")) == 4 + len("\\x1b")


@given(_ANY, st.booleans())
def test_no_control_character_survives(text: str, multiline: bool) -> None:
    shown = literal(text, multiline=multiline)
    kept = "\n\t" if multiline else ""
    assert [c for c in shown if unicodedata.category(c) in ("Cc", "Cs") and c not in kept] == []
    assert not raw_controls(shown.replace("\n", "").replace("\t", "").encode())


@given(_ANY, st.booleans())
def test_every_printable_character_is_kept_in_order(text: str, multiline: bool) -> None:
    shown = iter(literal(text, multiline=multiline))
    printable = [c for c in text if c.isprintable()]
    assert all(c in shown for c in printable)  # a subsequence: `in` consumes the iterator


@given(_ANY, st.booleans())
def test_escaping_twice_changes_nothing(text: str, multiline: bool) -> None:
    once = literal(text, multiline=multiline)
    assert literal(once, multiline=multiline) == once


@given(hostile)
def test_rich_writes_the_escaped_text_and_no_control(text: str) -> None:
    assert literal(text) in printed(Text(literal(text)))


@given(st.dictionaries(hostile, hostile, max_size=3))
def test_json_line_is_the_same_document_without_raw_c1(document: dict[str, str]) -> None:
    encoded = json_line(document)
    assert json.loads(encoded) == document
    assert encoded.count("\n") == 1 and encoded.endswith("\n")
    assert not raw_controls(encoded.removesuffix("\n").encode())
