"""Where k9lite's files are: `styles/` inside the installed wheel, or beside the checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = ["STYLES"]


def _styles() -> Path:
    packaged = Path(__file__).parent / "styles"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "styles"


STYLES = _styles()
