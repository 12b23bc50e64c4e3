"""One live session with a cluster: the connection, the namespace watched, the watch threads and
the state they feed. Switching context or namespace replaces these together, here only."""

from __future__ import annotations

from collections.abc import Iterable

from k9lite.kube.config import Connection, switch_context
from k9lite.kube.feed import StateFeed
from k9lite.kube.watch import ClusterWatcher

__all__ = ["Session"]


class Session:
    """What the app shows comes from `feed.state`; `watch=False` shows only what is put there."""

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

    @property
    def connection(self) -> Connection:
        """The connection in use: as the watcher last read the kubeconfig (it re-reads a changed
        file on reconnecting, so actions use a restarted cluster's new CA and token too)."""
        return self._connection if self._watcher is None else self._watcher.connection

    def start(self, first: Iterable[str] = ()) -> None:
        """Watch the cluster on background threads, listing the kinds `first` before the rest."""
        if self.watch:
            self._watcher = ClusterWatcher(
                self.connection, self.feed, namespace=self.namespace, first=tuple(first)
            ).start()

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
        self.start(first)
