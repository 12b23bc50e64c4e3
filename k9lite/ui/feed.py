"""The bridge between kube/'s watch threads and the UI: a ClusterState plus each kind's status."""

from __future__ import annotations

import threading
from typing import Any

from k9lite.kube.watch import KindStatus
from k9lite.model.state import ClusterState

__all__ = ["StateFeed"]


class StateFeed:
    """A `StateSink`: objects go into `state`, connection states are kept for the header."""

    def __init__(self) -> None:
        self.state = ClusterState()
        self._lock = threading.Lock()
        self._statuses: dict[str, KindStatus] = {}
        self._statuses_changed = False

    def replace(self, kind: str, raws: list[dict[str, Any]]) -> None:
        self.state.replace(kind, raws)

    def apply(self, kind: str, event_type: str, raw: dict[str, Any]) -> None:
        self.state.apply(kind, event_type, raw)

    def status(self, kind: str, status: KindStatus) -> None:
        with self._lock:
            if self._statuses.get(kind) != status:
                self._statuses[kind] = status
                self._statuses_changed = True

    def drain_statuses(self) -> dict[str, KindStatus] | None:
        """Every kind's status if any changed since the last call, else None."""
        with self._lock:
            if not self._statuses_changed:
                return None
            self._statuses_changed = False
            return dict(self._statuses)

    def status_of(self, kind: str) -> KindStatus | None:
        with self._lock:
            return self._statuses.get(kind)
