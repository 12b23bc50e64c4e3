"""The bridge between the watch threads and a front end: a ClusterState plus each kind's status."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from k9lite.kube.config import Connection
from k9lite.kube.status import PER_KIND
from k9lite.kube.watch import ClusterWatcher, KindStatus
from k9lite.model.state import ClusterState

__all__ = ["StateFeed", "watching"]


class StateFeed:
    """A `StateSink`: objects go into `state`, connection states are kept for the header."""

    def __init__(self) -> None:
        self.state = ClusterState()
        self._lock = threading.Condition()
        self._statuses: dict[str, KindStatus] = {}
        self._statuses_changed = False
        self._listener: Callable[[], None] | None = None

    def listen(self, listener: Callable[[], None] | None) -> None:
        """Call `listener` (from the watch threads) after each change of the state or of a
        kind's status: the front end is told, never polls."""
        self._listener = listener
        self.state.listen(listener)

    def replace(self, kind: str, raws: Iterable[dict[str, Any]]) -> None:
        self.state.replace(kind, raws)

    def apply(self, kind: str, event_type: str, raw: dict[str, Any]) -> None:
        self.state.apply(kind, event_type, raw)

    def columns(self, kind: str, definitions: Iterable[Any]) -> None:
        self.state.set_columns(kind, definitions)

    def status(self, kind: str, status: KindStatus) -> None:
        if status.state == "missing":
            self.state.replace(kind, ())  # what it held is gone with its API
        if status.state in PER_KIND:
            self.state.mark_unknown(kind, status.message or f"{kind}: {status.state}")
        elif status.state == "live":
            self.state.mark_unknown(kind, None)
        with self._lock:
            if self._statuses.get(kind) == status:
                return
            self._statuses[kind] = status
            self._statuses_changed = True
            self._lock.notify_all()
        if self._listener is not None:
            self._listener()

    def drain_statuses(self) -> dict[str, KindStatus] | None:
        """Every kind's status if any changed since the last call, else None."""
        with self._lock:
            if not self._statuses_changed:
                return None
            self._statuses_changed = False
            return dict(self._statuses)

    def statuses(self) -> dict[str, KindStatus]:
        """Every kind's status now."""
        with self._lock:
            return dict(self._statuses)

    def status_of(self, kind: str) -> KindStatus | None:
        with self._lock:
            return self._statuses.get(kind)

    def wait_listed(self, kinds: Iterable[str], timeout: float) -> dict[str, KindStatus]:
        """Wait (at most `timeout` s) until each kind is live, forbidden or failed; their statuses.

        A kind still loading or reconnecting at the deadline is left out of the answer.
        """
        wanted = set(kinds)
        settled = ("live", "forbidden", "missing", "error")
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                done = {
                    kind: status
                    for kind, status in self._statuses.items()
                    if kind in wanted and status.state in settled
                }
                left = deadline - time.monotonic()
                if len(done) == len(wanted) or left <= 0:
                    return done
                self._lock.wait(left)


@contextmanager
def watching(
    connection: Connection, kinds: Iterable[str], namespace: str | None, timeout: float = 30.0
) -> Iterator[tuple[StateFeed, dict[str, KindStatus]]]:
    """List `kinds` and keep watching them until the block ends (a probe that runs a while).

    The statuses say which kinds arrived (live), were forbidden or failed; a kind missing
    from them did not answer within `timeout`.
    """
    feed = StateFeed()
    kinds = tuple(kinds)
    with ClusterWatcher(connection, feed, namespace=namespace, kinds=kinds):
        yield feed, feed.wait_listed(kinds, timeout)
