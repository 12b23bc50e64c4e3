"""List then watch each kind on its own thread, feeding raw JSON objects to a state sink.

Per kind, as client-go's reflector: a paged list (`sink.replace`), then a watch from the list's
resourceVersion (`sink.apply` per event); a normal stream end resumes from the last version
seen. Anything that says the server may not know that version relists: 410 Gone, "Too large
resource version", a server presenting another certificate, and every failure (refused, TLS,
401, 5xx, a stalled stream), since the server reached after it may be a restarted one with
fresh storage. 403 marks the kind forbidden and retries slowly while the other kinds carry on.
Bodies are decoded with orjson, never the client's model deserialization (3x slower, 2.5x the
memory at 10,000 pods).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from k9lite.kube.api import API_KINDS, DEFAULT_KINDS
from k9lite.kube.config import Connection
from k9lite.kube.reflector import KindFeed
from k9lite.kube.reload import LiveConnection
from k9lite.kube.status import KindState, KindStatus
from k9lite.kube.stream import cut
from k9lite.model.resources import Resource

__all__ = [
    "ClusterWatcher",
    "KindState",
    "KindStatus",
    "StateSink",
    "Timeouts",
]


class StateSink(Protocol):
    """What the watcher feeds: `k9lite.model.state.ClusterState` in the app.

    Called from the watcher's threads; the sink does its own locking.
    """

    def replace(self, kind: str, raws: Iterable[dict[str, Any]]) -> None:
        """Every object of `kind` (a fresh list): forget the old ones."""

    def apply(self, kind: str, event_type: str, raw: dict[str, Any]) -> None:
        """One watch event: ADDED, MODIFIED or DELETED."""

    def status(self, kind: str, status: KindStatus) -> None:
        """The feed of `kind` changed state."""

    def columns(self, kind: str, definitions: Iterable[Any]) -> None:
        """The column definitions of a kind listed as Tables."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """How long one request may wait: to connect, between two reads of an answer, and for a
    watch's next event or bookmark before the stream counts as stalled and is restarted."""

    connect: float = 5.0
    read: float = 30.0
    watch_idle: float = 90.0
    """Above the bookmark period: kube-apiserver sends a watch that allows bookmarks one
    "roughly every minute" (apiserver/pkg/storage/cacher, nextBookmarkTime); the demo one
    after each `bookmark_interval` (30 s) without events."""


# How long the other kinds wait for the first ones' lists, at most.
FIRST_LIST_WAIT = 10.0


class ClusterWatcher:
    """One daemon thread per kind, listing then watching, until `stop()`.

    with ClusterWatcher(connection, state, namespace=None) as watcher:
        ...
    """

    def __init__(
        self,
        connection: Connection,
        sink: StateSink,
        *,
        namespace: str | None,
        kinds: Iterable[str] = DEFAULT_KINDS,
        first: Iterable[str] = (),
        page_size: int = 500,
        watch_timeout: int = 300,
        timeouts: Timeouts = Timeouts(),
        backoff: tuple[float, float] = (0.5, 5.0),
        forbidden_retry: float = 30.0,
    ) -> None:
        self.live_connection = LiveConnection(connection)
        self.sink = sink
        self.namespace = namespace
        self.kinds = tuple(kinds)
        unknown = [k for k in self.kinds if k not in API_KINDS]
        if unknown:
            raise ValueError(f"cannot watch {unknown[0]!r}; choose from {', '.join(API_KINDS)}")
        self.page_size = page_size
        self.watch_timeout = watch_timeout
        self.timeouts = timeouts
        self.answered = False
        """The server answered one of the kinds once: a later certificate failure of any kind is
        news (the cluster restarted with a new CA), even for a kind not listed yet."""
        self.backoff = backoff
        self.forbidden_retry = forbidden_retry
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._open: set[Any] = set()
        self._threads: list[threading.Thread] = []
        self._tables: set[str] = set()
        # The kinds to list before the others (what the screen shows): 10,000 pods decode
        # faster without six other lists competing for the interpreter.
        self._first_pending = set(first) & set(self.kinds)
        self._first_done = threading.Event()
        if not self._first_pending:
            self._first_done.set()

    @property
    def connection(self) -> Connection:
        """The connection in use: the kubeconfig as last read (it is re-read when it changes)."""
        return self.live_connection.current

    def start(self) -> ClusterWatcher:
        """Start one thread per kind (once); each reports "loading" first."""
        if self._threads:
            raise RuntimeError("this watcher has already been started")
        for kind in self.kinds:
            self._run(KindFeed(self, API_KINDS[kind], kind))
        return self

    def watch_table(self, name: str, resource: Resource) -> None:
        """Also list and watch `resource` as the server's Tables, fed to the sink as `name`
        (a view of a kind the model has no type for was opened); once per name."""
        with self._lock:
            if name in self._tables:
                return
            self._tables.add(name)
        self._run(KindFeed(self, resource, name, table=True))

    def _run(self, feed: KindFeed) -> None:
        thread = threading.Thread(target=feed.run, name=f"k9lite-watch-{feed.name}", daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def listed(self, kind: str) -> None:
        """A kind's first list is over (or failed): the others may start once the first are."""
        with self._lock:
            self._first_pending.discard(kind)
            if not self._first_pending:
                self._first_done.set()

    def wait_for_first(self, kind: str) -> None:
        """Hold a kind back until the kinds to list first are listed (at most FIRST_LIST_WAIT)."""
        if kind in self._first_pending:
            return
        deadline = time.monotonic() + FIRST_LIST_WAIT
        while not self.stopping and time.monotonic() < deadline:
            if self._first_done.wait(0.1):
                return

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop and join every thread, cutting open streams; False if one outlived `timeout`."""
        self._stopping.set()
        with self._lock:
            for response in list(self._open):
                cut(response)
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._threads)

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def __enter__(self) -> ClusterWatcher:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- for the feeds --------------------------------------------------------------------------

    def track(self, response: Any) -> None:
        """An answer being read: `stop()` cuts it."""
        with self._lock:
            self._open.add(response)
            stopping = self._stopping.is_set()
        if stopping:
            cut(response)

    def untrack(self, response: Any, *, finished: bool) -> None:
        """An answer read to its end (`finished`) or abandoned, which then is closed."""
        with self._lock:
            self._open.discard(response)
        if not finished:
            # An unfinished stream cannot be reused: close it rather than read it to the end.
            response.close()
        response.release_conn()

    def wait(self, seconds: float) -> bool:
        """Sleep unless stopped; True if stopping."""
        return self._stopping.wait(seconds)
