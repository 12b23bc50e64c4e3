"""Tab-separated lines padded as Go's text/tabwriter pads them, for `kubectl describe` text."""

from __future__ import annotations

__all__ = ["align"]


def align(lines: list[str], padding: int = 2) -> str:
    """Pad tab-separated cells as Go's text/tabwriter does: a column is aligned over each run of
    consecutive lines that have a cell in it; a line's last cell is never padded."""
    rows = [line.split("\t") for line in lines]
    out: list[str] = []
    widths: list[int] = []

    def write(start: int, stop: int) -> None:
        for row in rows[start:stop]:
            cells = [
                cell.ljust(widths[j]) if j < len(widths) and j < len(row) - 1 else cell
                for j, cell in enumerate(row)
            ]
            out.append("".join(cells).rstrip())

    def format_block(start: int, stop: int) -> None:
        column = len(widths)
        line = start
        while line < stop:
            if column >= len(rows[line]) - 1:
                line += 1
                continue
            write(start, line)
            start = line
            width = 0
            while line < stop and column < len(rows[line]) - 1:
                width = max(width, len(rows[line][column]) + padding)
                line += 1
            widths.append(width)
            format_block(start, line)
            widths.pop()
            start = line
        write(start, stop)

    format_block(0, len(rows))
    return "\n".join(out) + "\n"
