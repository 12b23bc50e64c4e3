"""Pods' log lines as the logs view shows them: bounded, prefixed, searched, made literal.

A merged log (a Deployment's, a Service's pods) prefixes each line with a short name of its
pod, coloured from a hash of the name (the same pod, the same colour, run after run); the
name alone tells the pods apart, so the view reads the same with NO_COLOR. The text of a line
is the cluster's: it goes through render/literal (no markup, no control bytes).
"""

from __future__ import annotations

import re
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rich.text import Text

from k9lite.render.literal import literal

__all__ = [
    "LINE_CAP",
    "LogBuffer",
    "LogLine",
    "log_text",
    "pod_style",
    "short_names",
    "split_stamp",
]

LINE_CAP = 5000
"""Lines a logs view keeps; the oldest go first (and the view says how many went)."""

_PALETTE = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta")
# RFC 3339 as the kubelet writes it before each line when asked for timestamps.
_STAMP = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) ")


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line of a pod's log, or (`note`) k9lite's own word about a stream: joined, ended,
    refused."""

    pod: str
    text: str
    stamp: str = ""
    note: bool = False


def split_stamp(raw: str) -> tuple[str, str]:
    """(`2024-05-01T12:00:00.123456789Z`, the rest) of a line read with timestamps; ("", raw)
    when it starts with none."""
    found = _STAMP.match(raw)
    if found is None:
        return "", raw
    return found.group(1), raw[found.end() :]


def pod_style(name: str) -> str:
    """A colour for `name`, the same on every run (crc32, not Python's salted hash)."""
    return _PALETTE[zlib.crc32(name.encode()) % len(_PALETTE)]


def short_names(pods: Iterable[str]) -> dict[str, str]:
    """Each pod's prefix: the generated suffix of its name (`hostname-server-…-x7k2p` is
    `x7k2p`), or the whole name when that suffix would not tell it from another pod."""
    names = sorted(set(pods))
    suffix = {name: name.rsplit("-", 1)[-1] for name in names}
    counts: dict[str, int] = {}
    for short in suffix.values():
        counts[short] = counts.get(short, 0) + 1
    return {name: short if counts[short] == 1 else name for name, short in suffix.items()}


class LogBuffer:
    """The last `cap` lines, and how many older ones were dropped to keep it at that."""

    def __init__(self, cap: int = LINE_CAP) -> None:
        self.cap = cap
        self._lines: deque[LogLine] = deque(maxlen=cap)
        self.dropped = 0

    def add(self, line: LogLine) -> None:
        if len(self._lines) == self.cap:
            self.dropped += 1
        self._lines.append(line)

    def clear(self) -> None:
        self._lines.clear()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._lines)

    def __iter__(self) -> Iterator[LogLine]:
        return iter(self._lines)


def log_text(
    line: LogLine,
    *,
    prefix: str = "",
    width: int = 0,
    timestamps: bool = False,
    search: str = "",
) -> Text | None:
    """The line as shown: `prefix` padded to `width` in the pod's colour, the timestamp if
    asked, the text made literal with `search` highlighted; None if it does not contain
    `search` (case aside)."""
    body = literal(line.text, multiline=True)
    if search and search.lower() not in body.lower():
        return None
    text = Text(no_wrap=False)
    if prefix:
        text.append(f"{literal(prefix):<{width}} ", style=f"bold {pod_style(line.pod)}")
    if timestamps and line.stamp:
        text.append(f"{line.stamp} ", style="dim")
    text.append(body, style="italic" if line.note else "")
    if search:
        start = len(text) - len(body)
        for found in re.finditer(re.escape(search), body, re.IGNORECASE):
            text.stylize("reverse", start + found.start(), start + found.end())
    return text
