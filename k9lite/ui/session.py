"""One live session with a cluster: the connection, the namespace watched, the watch threads and
the state they feed. Switching context or namespace replaces these together, here only."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from k9lite.kube.config import Connection, switch_context
from k9lite.kube.discovery import discover
from k9lite.kube.feed import StateFeed
from k9lite.kube.watch import ClusterWatcher
from k9lite.model.resources import Resource

if TYPE_CHECKING:
    from k9lite.kinds.base import Kind

__all__ = ["Session"]


class Session:
    """What the app shows comes from `feed.state`; `watch=False` shows only what is put there.

    It needs neither Textual nor the views (this module imports neither): the command line
    starts it, so the first list is on its way while the UI's modules load (`cli._open_tui`).
    """

    def __init__(
        self,
        connection: Connection,
        namespace: str | None,
        *,
        watch: bool = True,
        feed: StateFeed | None = None,
    ) -> None:
        self._connection = connection
        self.namespace = namespace
        """The namespace watched; None: every namespace."""
        self.watch = watch
        self.feed = feed or StateFeed()
        self._watcher: ClusterWatcher | None = None
        self._tables: dict[str, Kind] = {}  # the table kinds opened: watched again on a switch
        self._listener: Callable[[], None] | None = None
        self._discovered: tuple[Resource, ...] = ()
        self._discovering = threading.Lock()

    def listen(self, listener: Callable[[], None]) -> None:
        """Call `listener` (from any thread) whenever the state or a kind's status changes."""
        self._listener = listener
        self.feed.listen(listener)

    @property
    def discovered(self) -> tuple[Resource, ...]:
        """The resources the server listed when last asked (`discover_now`)."""
        return self._discovered

    def discover_now(self) -> tuple[Resource, ...]:
        """Ask the server which resources it serves (blocking: call it off the UI thread);
        KubeError if it cannot say. Without watching (snapshots), nothing is asked."""
        if not self.watch:
            return self._discovered
        with self._discovering:
            self._discovered = tuple(discover(self.connection))
        return self._discovered

    def open(self, kind: Kind) -> None:
        """Make sure `kind` is watched: a kind shown from Tables is watched from its first view."""
        if kind.view is not None:
            return
        self._tables[kind.name] = kind
        self.feed.state.add_table_kind(kind.name)
        if self._watcher is not None:
            self._watcher.watch_table(kind.name, kind.resource)

    @property
    def connection(self) -> Connection:
        """The connection in use: as the watcher last read the kubeconfig (it re-reads a changed
        file on reconnecting, so actions use a restarted cluster's new CA and token too)."""
        return self._connection if self._watcher is None else self._watcher.connection

    def start(self, first: Iterable[str] = ()) -> None:
        """Watch the cluster on background threads, listing the kinds `first` before the rest;
        once (a session started before the app keeps its watcher)."""
        if self.watch and self._watcher is None:
            self._watcher = ClusterWatcher(
                self.connection, self.feed, namespace=self.namespace, first=tuple(first)
            ).start()
        for kind in self._tables.values():
            self.open(kind)

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    def covers(self, namespace: str | None) -> bool:
        """Whether what is watched includes `namespace` (None: all of them)."""
        return self.namespace is None or self.namespace == namespace

    def watch_namespace(self, namespace: str | None, first: Iterable[str] = ()) -> None:
        """Watch `namespace` (None: all) from a fresh state, unless it is watched already."""
        if self.covers(namespace):
            return
        self._restart(self.connection, namespace, first)

    def switch_context(self, context: str, first: Iterable[str] = ()) -> None:
        """Another context of the same kubeconfig, in its namespace (or all, if all were
        watched); raises KubeError for a context that cannot be used, changing nothing."""
        connection = switch_context(self.connection, context)
        namespace = None if self.namespace is None else connection.namespace
        self._restart(connection, namespace, first)

    def _restart(self, connection: Connection, namespace: str | None, first: Iterable[str]) -> None:
        self.stop()
        self._connection = connection
        self.namespace = namespace
        self.feed = StateFeed()
        if self._listener is not None:
            self.feed.listen(self._listener)
        self.start(first)
