"""Who answered a run of requests, as text: one bar per pod, for the TUI and the command line.

    via proxy · 1,000 requests · new connection each
    1,000 sent · 1,000 answered · 0 failed
    hostname-server-7d8f5b5d7c-pz9ft  worker1  ████████████████  503  50.3%  exp 50%
    hostname-server-7d8f5b5d7c-wjmkm  worker2  ███████████████▊  497  49.7%  exp 50%
    fairness: p=0.85 (spread as expected) · max deviation 0.3%
    latency p50 3.5 ms · p95 5.0 ms · p99 12.2 ms

Bars are coloured per node, and readable without colour: every row names its node. Rows are cut,
never wrapped: on a narrow terminal (two runs side by side) pod names give way first, keeping
their end, where a ReplicaSet's pods differ; then the expected column; then node names.
Who answered is read from HTTP bodies: every name, target and error is drawn as literal text
(`render.literal`), so a body's escape sequences reach no terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from k9lite.analysis.stats import FAIRNESS_THRESHOLD, Summary
from k9lite.render.cut import keep_end
from k9lite.render.literal import literal

__all__ = ["Histogram", "HistogramStyles"]

"""Below this p-value the spread is called uneven: 1 run in 100 of a fair spread would be."""

_BLOCKS = " ▏▎▍▌▋▊▉"
_FULL = "█"
_BAR_MIN = 5
_BAR_COMFORT = 12
"""Pod names are cut to `_NAME_COMFORT` to give the bar this much room, and further for less."""
_NAME_COMFORT = 16
_NAME_FLOOR = 6
"""An ellipsis and the five random characters that end a ReplicaSet's pod names."""
_NODE_COMFORT = 12
_NODE_SHORT = 7
_NODE_FLOOR = 4


@dataclass(frozen=True, slots=True)
class HistogramStyles:
    """Rich styles of the histogram; the TUI passes its theme's colours."""

    bar: tuple[str, ...] = ("cyan", "magenta", "green", "yellow", "blue", "red")
    """One per node, in node order, repeating past the last."""
    error: str = "red"
    detail: str = "dim"
    title: str = "bold"


@dataclass(frozen=True, slots=True)
class _Row:
    label: str
    node: str
    count: int
    share: float
    expected: float | None
    style: str
    unknown: bool = False
    """An answer that names no pod: its label spans the node column too."""


@dataclass(frozen=True, slots=True)
class _Columns:
    """Cell widths of a row's columns; `expected` is 0 when the column is left out."""

    gap: int
    name: int
    node: int
    bar: int
    count: int
    share: int
    expected: int


@dataclass(frozen=True, slots=True)
class Histogram:
    """A Rich renderable of a `Summary`: at most `max_rows` pods, then a line for the rest."""

    summary: Summary
    title: tuple[str, ...] = ()
    """The title's parts (`via proxy`, `1,000 requests`): a narrow screen breaks between them."""
    styles: HistogramStyles = HistogramStyles()
    max_rows: int = 12
    max_unknown: int = 3
    """Unknown answers shown before the rest collapse (a body that varies names itself anew)."""
    note: tuple[str, ...] = ()
    """What explains the picture, last (keep-alive pinning pods, say), in parts as the title."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        summary, styles = self.summary, self.styles
        if self.title:
            yield from _flow([Text(literal(p), styles.title) for p in self.title], width)
        if summary.sent == 0:
            yield _line(Text("no requests yet", styles.detail))
            return
        counts = (
            f"{summary.sent:,} sent",
            f"{summary.answered:,} answered",
            f"{summary.failed:,} failed",
        )
        yield from _flow([Text(p, styles.detail) for p in counts], width)
        yield from self._rows(width)
        yield from self._fairness(width)
        yield from self._latency(width)
        yield from self._targets(width)
        yield from self._errors(width)
        if self.note:
            # The note is the lesson ("kube-proxy spreads connections, not requests"): a part
            # too long for a narrow column wraps, where other lines are cut.
            for line in _flow([Text(literal(p), styles.detail) for p in self.note], width):
                line.no_wrap, line.overflow = False, "fold"
                yield line

    # -- the bars -------------------------------------------------------------------------------

    def _rows(self, width: int) -> Iterable[Text]:
        summary, styles = self.summary, self.styles
        colours = {n.node: styles.bar[i % len(styles.bar)] for i, n in enumerate(summary.nodes)}
        pods = [
            _Row(
                literal(p.pod),
                literal(p.node or "?"),
                p.count,
                p.share,
                p.expected,
                colours.get(p.node, ""),
            )
            for p in summary.pods
        ]
        unknown = [
            _Row(
                literal(f"? {name}"), "", count, count / summary.answered, None, styles.detail, True
            )
            for name, count in summary.unknown
        ]
        # Scaled to the largest count of all, shown or not, so bars keep their length.
        largest = max((row.count for row in (*pods, *unknown)), default=0)
        shown_pods, hidden_pods = _collapse(pods, self.max_rows)
        shown_unknown, hidden_unknown = _collapse(unknown, self.max_unknown)
        columns = _layout([*shown_pods, *shown_unknown], width)
        for row in shown_pods:
            yield self._row(row, columns, largest)
        if hidden_pods:
            yield self._more(hidden_pods, "pod", "pods")
        for row in shown_unknown:
            yield self._row(row, columns, largest)
        if hidden_unknown:
            yield self._more(hidden_unknown, "unknown", "unknown")

    def _row(self, row: _Row, columns: _Columns, largest: int) -> Text:
        gap = " " * columns.gap
        if row.unknown:
            text = Text(keep_end(row.label, columns.name + columns.gap + columns.node), row.style)
        else:
            text = Text.assemble(
                keep_end(row.label, columns.name),
                gap,
                (_cut_node(row.node, columns.node), row.style),
            )
        text.append_text(
            Text.assemble(
                gap,
                (_bar(row.count, largest, columns.bar), row.style),
                gap,
                f"{row.count:,}".rjust(columns.count),
                gap,
                _share(row.share).rjust(columns.share),
            )
        )
        if columns.expected and row.expected is not None:
            text.append(gap + _expected(row.expected).rjust(columns.expected), self.styles.detail)
        return _line(text)

    def _more(self, hidden: Sequence[_Row], one: str, many: str) -> Text:
        answers = sum(row.count for row in hidden)
        noun = one if len(hidden) == 1 else many
        return _line(
            Text(
                f"… and {len(hidden)} more {noun} ({_plural(answers, 'answer')})",
                self.styles.detail,
            )
        )

    # -- the lines below ------------------------------------------------------------------------

    def _fairness(self, width: int) -> Iterable[Text]:
        summary, styles = self.summary, self.styles
        p = summary.fairness_p
        if p is None:
            return
        even = p >= FAIRNESS_THRESHOLD
        verdict = "spread as expected" if even else "uneven"
        parts = [
            Text.assemble(
                "fairness: ", (f"{_p_value(p)} ({verdict})", "" if even else styles.error)
            )
        ]
        if summary.max_deviation is not None:
            parts.append(Text(f"max deviation {summary.max_deviation * 100:.1f}%", styles.detail))
        yield from _flow(parts, width)

    def _latency(self, width: int) -> Iterable[Text]:
        summary = self.summary
        marks = (
            ("p50", summary.latency_p50),
            ("p95", summary.latency_p95),
            ("p99", summary.latency_p99),
        )
        parts = [Text(f"{name} {_seconds(value)}") for name, value in marks if value is not None]
        if parts:
            parts[0] = Text("latency ") + parts[0]
            yield from _flow(parts, width)

    def _targets(self, width: int) -> Iterable[Text]:
        """Answers per target, when there are several (a node under a Local policy drops)."""
        targets = [(literal(target), ok, bad) for target, ok, bad in self.summary.by_target]
        if len(targets) < 2:
            return
        answered = max(len(f"{a:,}") for _, a, _ in targets)
        failed = max(len(f"{f:,}") for _, _, f in targets)
        label = max(cell_len(target) for target, _, _ in targets)
        # In words when they fit, else ✓ and ✗ (the marks the error lines use).
        words = (" answered  ", " failed")
        if 2 + label + 2 + answered + failed + sum(map(len, words)) > width:
            words = (" ✓ ", " ✗")
        room = width - 4 - answered - failed - sum(map(len, words))
        label = max(1, min(label, room))
        for target, ok, bad in targets:
            yield _line(
                Text.assemble(
                    "→ ",
                    keep_end(target, label),
                    "  ",
                    (f"{ok:,}".rjust(answered) + words[0], self.styles.detail),
                    (
                        f"{bad:,}".rjust(failed) + words[1],
                        self.styles.error if bad else self.styles.detail,
                    ),
                )
            )

    def _errors(self, width: int) -> Iterable[Text]:
        styles = self.styles
        for error in self.summary.errors:
            parts = [Text(f"✗ {literal(error.label)} {error.count:,}", styles.error)]
            if error.detail:
                parts.append(Text(literal(error.detail), styles.detail))
            yield from _flow(parts, width, " — ")


def _layout(rows: Sequence[_Row], width: int) -> _Columns:
    """Column widths that fit `width`, taking room from the names, the expected share, the nodes."""
    gap = 2 if width >= 60 else 1
    node = max((cell_len(row.node) for row in rows if not row.unknown), default=1)
    widths = {
        "name": max(
            (cell_len(r.label) - (gap + node if r.unknown else 0) for r in rows), default=1
        ),
        "node": node,
        "count": max((len(f"{row.count:,}") for row in rows), default=1),
        "share": max((len(_share(row.share)) for row in rows), default=1),
        "expected": max(
            (len(_expected(r.expected)) for r in rows if r.expected is not None), default=0
        ),
    }

    def room() -> int:
        columns = 5 if widths["expected"] else 4  # with the bar
        return width - sum(widths.values()) - gap * columns

    def shrink(column: str, floor: int, bar: int) -> None:
        short = bar - room()
        if short > 0:
            widths[column] = max(min(widths[column], floor), widths[column] - short)

    # A comfortable bar first takes room from long names, then a short one from anything but
    # the numbers; narrower still, the line's own ellipsis cuts the end of each row.
    shrink("name", _NAME_COMFORT, _BAR_COMFORT)
    shrink("node", _NODE_COMFORT, _BAR_COMFORT)
    shrink("name", _NAME_FLOOR, _BAR_MIN)
    if room() < _BAR_MIN:
        widths["expected"] = 0
    shrink("node", _NODE_SHORT, _BAR_MIN)
    shrink("node", _NODE_FLOOR, _BAR_MIN)
    return _Columns(gap, bar=max(_BAR_MIN, room()), **widths)


def _bar(count: int, largest: int, width: int) -> str:
    """`count` in eighths of a cell, the largest count filling `width`; any count shows."""
    if largest <= 0 or count <= 0:
        return " " * width
    eighths = max(1, round(count / largest * width * 8))
    full, rest = divmod(eighths, 8)
    bar = _FULL * full + (_BLOCKS[rest] if rest else "")
    return bar.ljust(width)


def _cut_node(node: str, width: int) -> str:
    """A node name in `width` cells; a long FQDN keeps its first label, the host's own name."""
    if cell_len(node) <= width or "." not in node:
        return keep_end(node, width)
    host = node.split(".", 1)[0]
    if cell_len(host) < width:
        return set_cell_size(node, width - 1) + "…"
    return keep_end(host, width)


def _collapse(rows: Sequence[_Row], limit: int) -> tuple[Sequence[_Row], Sequence[_Row]]:
    """The first `limit` rows in their order, and the rest; a stable choice, so a live view
    does not reshuffle its rows at every redraw."""
    if len(rows) <= limit:
        return rows, ()
    return rows[:limit], rows[limit:]


def _flow(parts: Sequence[Text], width: int, separator: str = " · ") -> Iterable[Text]:
    """`parts` joined by `separator`, onto further indented lines when they do not fit."""
    line: Text | None = None
    for part in parts:
        if line is None:
            line = part.copy()
        elif line.cell_len + cell_len(separator) + part.cell_len <= width:
            line.append(separator)
            line.append_text(part)
        else:
            yield _line(line)
            line = Text("  ") + part
    if line is not None:
        yield _line(line)


def _line(text: Text) -> Text:
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def _share(share: float) -> str:
    return f"{share * 100:.1f}%"


def _expected(share: float) -> str:
    percent = round(share * 100, 1)
    return f"exp {percent:.0f}%" if percent == int(percent) else f"exp {percent:.1f}%"


def _p_value(p: float) -> str:
    if p >= FAIRNESS_THRESHOLD:
        return f"p={p:.2f}"
    if p >= 0.0001:
        return f"p={p:.2g}"
    return "p<0.0001"


def _seconds(seconds: float) -> str:
    ms = seconds * 1000
    if ms < 100:
        return f"{ms:.1f} ms"
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{seconds:.2f} s"


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"
