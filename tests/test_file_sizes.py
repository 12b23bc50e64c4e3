"""No source file of the package is over 400 lines (issue 15): one module, one idea."""

from __future__ import annotations

from pathlib import Path

import k9lite

MAX_LINES = 400
PACKAGE = Path(k9lite.__file__).parent


def _line_counts() -> dict[str, int]:
    return {
        path.relative_to(PACKAGE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_no_source_file_is_over_400_lines() -> None:
    counts = _line_counts()
    assert counts, f"no .py file found under {PACKAGE}"
    over = {name: lines for name, lines in counts.items() if lines > MAX_LINES}
    assert not over, "over 400 lines, split along an idea: " + ", ".join(
        f"k9lite/{name} ({lines})" for name, lines in sorted(over.items())
    )
