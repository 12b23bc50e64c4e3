"""Hostile text for property tests, and checks that output shows it literally.

Hostile text mixes printable Unicode (CJK included, for cell widths), Rich markup and its
broken forms (`[/]`, `[bold red]X[/]`), C0 and C1 controls, DEL and whole escape sequences
(a title change, a screen clear, colours). Lone surrogates are left out: no terminal encoding
can carry them, so no decoded body or object holds one.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from hypothesis import strategies as st
from rich.console import Console, RenderableType

from k9lite.render.literal import literal

SEQUENCES = (
    "\x1b]0;pwned\x07",  # set the terminal's title
    "\x1b]2;pwned\x1b\\",  # the same, ended by ST
    "\x1b[2J",  # clear the screen
    "\x1b[H",  # cursor home
    "\x1b[31m",  # red
    "\x1b[0m",
    "\x9b2J",  # C1 CSI: clear the screen on terminals that read 8-bit controls
    "\x1bP+q\x1b\\",  # DCS
    "\x1b]8;;http://127.0.0.1/\x1b\\",  # a hyperlink
    "\r\n",
)
MARKUP = ("[/]", "[bold red]", "[/bold red]", "[", "]", "[link=http://x]", "\\[", "[@click=quit]")
CONTROLS = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.characters(
    min_codepoint=0x7F, max_codepoint=0x9F
)
PRINTABLE = st.characters(categories=("L", "N", "P", "S")) | st.sampled_from(" 名前ポッド")

_PIECES = st.sampled_from(SEQUENCES) | st.sampled_from(MARKUP) | CONTROLS
hostile = (
    st.lists(
        _PIECES | st.text(PRINTABLE, max_size=6),
        min_size=1,
        max_size=8,
    )
    .map("".join)
    .filter(bool)
)
"""Any text a pod, an annotation or a user may hand us (some)."""

names = st.lists(_PIECES, max_size=3).map(lambda parts: "x" + "".join(parts) + "名")
"""Short hostile text that starts and ends printable, for names shown in narrow columns."""

_RICH_SGR = re.compile(rb"\x1b\[[0-9;]*m")


def raw_controls(data: bytes) -> list[bytes]:
    """The controls in UTF-8 output a terminal would act on: C0 but newline, DEL, C1."""
    c0 = [bytes([b]) for b in data if (b < 0x20 and b != 0x0A) or b == 0x7F]
    c1 = re.findall(rb"\xc2[\x80-\x9f]", data)
    return c0 + c1


def printed(renderable: RenderableType, width: int = 400) -> str:
    """What a Rich Console writes for `renderable`, checked as `written` checks it."""
    return written(lambda console: console.print(renderable), width)


def written(draw: Callable[[Console], None], width: int = 400) -> str:
    """What `draw` writes on a Rich Console as the CLI makes them, checked: to a terminal (in
    colour; Rich's own colour codes aside) and to a pipe, no raw control byte. Returns the
    pipe's text."""
    texts = []
    for terminal in (True, False):
        console = Console(
            file=io.StringIO(),
            width=width,
            force_terminal=terminal,
            color_system="truecolor" if terminal else None,
            highlight=False,
            legacy_windows=False,
        )
        draw(console)
        text = console.file.getvalue()  # type: ignore[attr-defined]
        assert isinstance(text, str)
        data = text.encode()
        if terminal:
            data = _RICH_SGR.sub(b"", data)
        assert not raw_controls(data), f"raw controls {raw_controls(data)} in {data!r}"
        texts.append(text)
    return texts[1]


def assert_literal(output: str, *texts: str) -> None:
    """No raw control in `output`, and each of `texts` shows in it, escaped."""
    assert not raw_controls(output.encode()), output
    for text in texts:
        assert literal(text) in output, f"{literal(text)!r} not in {output!r}"
