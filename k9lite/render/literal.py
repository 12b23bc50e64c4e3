"""Text from the cluster or the user made printable as data: controls become visible escapes.

A pod's HTTP body, an annotation or a server's error message may carry `ESC]0;title BEL` or
`ESC[2J`; written raw, they retitle or clear the user's terminal. The rule, one for every output:

- C0 controls (U+0000-U+001F), DEL and C1 controls (U+0080-U+009F) become `\\x1b`, `\\x7f`,
  `\\x9b`: an escape sequence loses its ESC and shows as text (`\\x1b[2J`);
- `\\n`, `\\r` and `\\t` show as those two characters on one line (a table cell, a title, a
  name). In multi-line text (`multiline=True`: describe, a log) a newline and a tab stay, a
  CRLF ends a line as LF does, and a lone CR (which would overwrite the line) shows as `\\r`;
- lone surrogates (undecodable bytes), the line and paragraph separators U+2028/U+2029 and the
  bidi embedding, override and isolate controls (which reorder what a line shows) become
  `\\udc80`, `\\u2028`, `\\u202e`;
- everything else stays: printable Unicode keeps its characters, and so its cell width.

Backslashes are left as they are: this is for reading, not a reversible encoding (JSON output
escapes with its own rules). Markup is not this module's concern: Rich `Text` and Textual
`Content` built from a plain string never parse it.
"""

from __future__ import annotations

import re

import orjson

__all__ = ["json_line", "literal"]

# Besides C0 and C1: the separators and bidi controls, then lone surrogates.
_OTHERS = "\u2028\u2029\u202a-\u202e\u2066-\u2069"
_CONTROLS = f"\x00-\x08\x0b-\x1f\x7f-\x9f{_OTHERS}\ud800-\udfff"  # all but tab and newline
_UNSAFE = re.compile(f"[\t\n{_CONTROLS}]")
_UNSAFE_LINES = re.compile(f"\r\n|[{_CONTROLS}]")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_OTHERS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\r\n": "\n"}


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def literal(text: str, *, multiline: bool = False) -> str:
    """`text` with every control character shown as a visible escape (the rule above)."""
    pattern = _UNSAFE_LINES if multiline else _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def json_line(document: object) -> str:
    """`document` as one line of JSON, with DEL, C1 and the separators above as `\\u` escapes.

    JSON encoders escape only C0 controls in strings; a terminal may still act on a raw
    U+009B (CSI). Outside strings JSON is ASCII, so every match is inside a string.
    """
    text = orjson.dumps(document).decode()
    return _JSON_UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text) + "\n"
