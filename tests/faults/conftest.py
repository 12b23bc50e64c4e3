"""Fixtures of the fault suite: a bench per test, closed (threads joined) whatever happens."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.faults.bench import FaultBench, Front

# How many times each restart case runs in one session: CI runs a few; the "20 of 20"
# is `K9LITE_FAULT_RUNS=20 pytest tests/faults`.
RUNS = int(os.environ.get("K9LITE_FAULT_RUNS", "2"))

# Known and not yet explained (issue 19's notes): about one full run in ten, a client TLS socket
# of the official client's urllib3 pool, cut by a fault, is collected unclosed. `bench_for`
# collects garbage when its test ends, so such a socket is found inside the fault suite, where
# only that warning is let through; every other warning of these tests still fails them.
_UNCLOSED_TLS = (
    "ignore:Exception ignored in. <ssl.SSLSocket:pytest.PytestUnraisableExceptionWarning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings(_UNCLOSED_TLS))


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
    gc.collect()  # a socket this test leaked is found now, under its filter (above)
