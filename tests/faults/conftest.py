"""Fixtures of the fault suite: a bench per test, closed (threads joined) whatever happens."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.faults.bench import FaultBench, Front

# How many times each restart case runs in one session: CI runs a few; the "20 of 20"
# is `K9LITE_FAULT_RUNS=20 pytest tests/faults`.
RUNS = int(os.environ.get("K9LITE_FAULT_RUNS", "2"))


@pytest.fixture
def bench_for(tmp_path: Path) -> Iterator[Callable[[Front], FaultBench]]:
    """Build a FaultBench for a front (direct, tcp, http); each one built is closed."""
    benches: list[FaultBench] = []

    def build(front: Front) -> FaultBench:
        bench = FaultBench(tmp_path / f"bench-{len(benches)}", front)
        benches.append(bench)
        return bench

    yield build
    for bench in benches:
        bench.close()
