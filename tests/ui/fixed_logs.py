"""Fixed pods' logs for the logs view's snapshots, as the default scenario's pods would log them.

Stands where `kube/logs.PodLogs` reads the API (AppOptions.logs), so that a snapshot has the
same lines on every run: each pod's start line, then access lines from the app's clock. One
line carries markup and a terminal escape, which must show as text.
"""

from __future__ import annotations

from datetime import timedelta

from k9lite.kube.config import Connection
from k9lite.kube.logs import LogRequest, LogSink
from tests.ui.cluster_fixture import NOW

__all__ = ["FixedLogs", "HOSTILE"]

HOSTILE = "GET /[bold]x[/bold]\x1b[2J HTTP/1.1"
"""A request line a client chose: markup and a clear-screen, to be shown as data."""


def _stamp(seconds: float) -> str:
    return (NOW - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FixedLogs:
    """Each pod opened says its lines at once; nothing more arrives."""

    def __init__(self, connection: Connection, sink: LogSink) -> None:
        self.sink = sink
        self._open: set[str] = set()

    def open(self, log: LogRequest) -> None:
        self._open.add(log.pod)
        pod = log.pod
        lines = [f"{_stamp(600)} listening on :8080 as {pod}"]
        lines += [
            f'{_stamp(30 - n)} 127.244.1.1:{40000 + n} "GET / HTTP/1.1" 200 {40 + len(pod)}'
            for n in range(0, 12, 3)
        ]
        lines.append(f'{_stamp(1)} 127.0.0.1:41234 "{HOSTILE}" 404 19')
        for line in lines:
            self.sink.line(pod, line)

    def stop(self, pod: str) -> None:
        self._open.discard(pod)

    def pods(self) -> frozenset[str]:
        return frozenset(self._open)

    def close(self, timeout: float = 2.0) -> bool:
        self._open.clear()
        return True
