"""A connection that follows its kubeconfig: re-read when the files change on disk.

A restarted cluster (the demo's `--kubeconfig-out`, a rotated token, a renewed CA) rewrites the
kubeconfig in place; the watcher asks `refresh()` before each retry and picks the new
credentials up without a restart of k9lite.
"""

from __future__ import annotations

import hashlib
import os
import threading

from k9lite.kube.config import IN_CLUSTER_CONTEXT, Connection, switch_context
from k9lite.kube.errors import KubeError

__all__ = ["LiveConnection"]


def _fingerprint(connection: Connection) -> str | None:
    """A digest of the kubeconfig files' bytes; None in-cluster (the client refreshes it)."""
    if connection.context == IN_CLUSTER_CONTEXT:
        return None
    digest = hashlib.sha256()
    for path in connection.source.split(os.pathsep):
        try:
            with open(path, "rb") as handle:
                digest.update(handle.read())
        except OSError as exc:
            digest.update(f"unreadable: {exc.errno}".encode())
        digest.update(b"\0")
    return digest.hexdigest()


class LiveConnection:
    """The current `Connection`, re-read from the same files and context when they change."""

    def __init__(self, connection: Connection) -> None:
        self._lock = threading.Lock()
        self._connection = connection
        self._fingerprint = _fingerprint(connection)

    @property
    def current(self) -> Connection:
        with self._lock:
            return self._connection

    def refresh(self) -> Connection:
        """The connection, re-read first if a kubeconfig file changed since it was last read.

        A file that cannot be used now (half written, or its context gone) keeps the last good
        connection; the next call tries again.
        """
        with self._lock:
            old = self._connection
            fingerprint = _fingerprint(old)
            if fingerprint is None or fingerprint == self._fingerprint:
                return old
            try:
                self._connection = switch_context(old, old.context)
            except KubeError:
                return old
            self._fingerprint = fingerprint
            return self._connection
