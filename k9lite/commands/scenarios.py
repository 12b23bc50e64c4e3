"""`--scenario list`: every scenario of the demo cluster, with its one-line description."""

from __future__ import annotations

from k9lite.demo.scenarios import descriptions

__all__ = ["print_scenarios"]


def print_scenarios() -> int:
    for name, line in descriptions().items():
        print(f"{name:<8} {line}")
    return 0
