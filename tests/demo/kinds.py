"""Built-in kinds by plural name, for tests that exercise one kind's strategy or printer."""

from __future__ import annotations

from typing import Any

from k9lite.demo.kinds.catalog import BUILTIN
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.tables import Printer


def strategy(plural: str) -> Strategy:
    """The built-in kind served as `plural`, the core group first (core Events)."""
    return next(s for s in BUILTIN if s.resource.plural == plural)


def printer(plural: str) -> Printer:
    return strategy(plural).printer


def column_definitions(plural: str) -> list[dict[str, Any]]:
    return printer(plural).column_definitions()
