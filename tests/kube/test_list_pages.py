"""A list of many pages: the next page is asked for while the sink takes this one in.

The server builds a page (its own process, its own core) while the app decodes the one before:
the two overlap instead of taking turns. Observed from the server's side: its request log
(`ServerFaults.requests`) must show the second page asked for while the sink still holds the
first page's first object. A reflector asking only once the sink took a page in never gets there.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import pytest

from k9lite.demo.cluster import ClusterRuntime, DemoCluster
from k9lite.kube import ClusterWatcher
from tests.conftest import wait_for
from tests.kube.clients import CLIENTS, connection_through
from tests.kube.test_watch import RecordingSink

HOLD = 10.0
"""How long the sink waits, at most, for the next page's request."""


class HoldingSink(RecordingSink):
    """Holds the first object of the first list until the server has been asked for page two."""

    def __init__(self, requests: list[str]) -> None:
        super().__init__()
        self.requests = requests
        self.asked_while_held: bool | None = None

    def replace(self, kind: str, raws: Iterable[dict[str, Any]]) -> None:
        super().replace(kind, list(self._held(raws)))

    def _held(self, raws: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        for index, raw in enumerate(raws):
            if index == 0 and self.asked_while_held is None:
                deadline = time.monotonic() + HOLD
                while not self._second_page_asked() and time.monotonic() < deadline:
                    time.sleep(0.01)
                self.asked_while_held = self._second_page_asked()
            yield raw

    def _second_page_asked(self) -> bool:
        return any("/pods?" in line and "continue=" in line for line in list(self.requests))


@pytest.mark.parametrize("client", CLIENTS)
def test_the_next_page_is_asked_for_while_the_sink_takes_in_this_one(
    cluster: DemoCluster, client: str
) -> None:
    requests: list[str] = []

    def record(rt: ClusterRuntime, log: list[str] | None) -> None:
        rt.server.faults.requests = log

    cluster.call(lambda rt: record(rt, requests))
    sink = HoldingSink(requests)
    connection = connection_through(client, cluster)
    watcher = ClusterWatcher(connection, sink, namespace=None, kinds=("pods",), page_size=2)
    try:
        watcher.start()
        wait_for(lambda: sink.all_live(("pods",)), message="pods live")
    finally:
        assert watcher.stop(timeout=5), "a watch thread outlived stop()"
        cluster.call(lambda rt: record(rt, None))
    assert sink.asked_while_held, "page two was asked for only after page one was taken in"
    assert len(sink.names("pods")) == 7  # 4 pages of 2: nothing lost or doubled on the way
    pages = [line for line in requests if "/pods?" in line and "watch=" not in line]
    assert len(pages) == 4, pages
