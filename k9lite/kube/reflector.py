"""The list-and-watch loop of one kind (client-go calls it a reflector), run on its own thread."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
import urllib3.exceptions

from k9lite.kube.api import TABLE_ACCEPT, ApiError, Client, request
from k9lite.kube.config import Connection
from k9lite.kube.errors import api_message, transport_error
from k9lite.kube.status import PER_KIND, KindStatus, http_failure, stalled, transport_failure
from k9lite.kube.stream import event_lines, peer_identity
from k9lite.model.collector import collector_paused
from k9lite.model.resources import Resource

if TYPE_CHECKING:
    from k9lite.kube.watch import ClusterWatcher

__all__ = ["KindFeed"]

log = logging.getLogger(__name__)

T = TypeVar("T")

# A watch open at least this long proves the connection; one ending sooner is suspect.
QUICK_WATCH_END = 1.0


class _HistoryLost(Exception):
    """The server does not know the version we hold (or may not): relist at once."""


class _StatusFailure(Exception):
    """An ERROR event of a watch stream other than a lost history: its code and message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _history_lost(code: int, status: dict[str, Any]) -> bool:
    """410 Gone (compacted away), or 504 "Too large resource version" (not reached yet: a server
    with fresh storage), as apiserver's storage.NewTooLargeResourceVersionError builds it."""
    if code == 410:
        return True
    details = status.get("details") if isinstance(status.get("details"), dict) else {}
    causes = (details or {}).get("causes") or ()
    too_large = any(
        isinstance(c, dict) and c.get("reason") == "ResourceVersionTooLarge" for c in causes
    )
    return code == 504 and (too_large or "Too large resource version" in str(status.get("message")))


def _status_body(exc: ApiError) -> dict[str, Any]:
    try:
        status = orjson.loads(exc.body or b"{}")
    except orjson.JSONDecodeError:
        return {}
    return status if isinstance(status, dict) else {}


def _in_thread(call: Callable[[], T], name: str) -> Future[T]:
    """`call()` in a daemon thread of its own; its value or exception in the future."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(call())
        except BaseException as exc:  # handed to whoever waits on the future
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future


def _discard(future: Future[Any]) -> None:
    """Take a page nobody waits for any more, and its failure, which no one is to hear of."""
    future.exception()


def _table_rows(table: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A Table's rows as the sink takes them: the object's metadata and the row's cells."""
    for row in table.get("rows") or ():
        obj = row.get("object") if isinstance(row, dict) else None
        metadata = obj.get("metadata") if isinstance(obj, dict) else None
        yield {"metadata": metadata or {}, "cells": row.get("cells")}


class KindFeed:
    """Lists then watches one kind for a `ClusterWatcher`, reporting each change of status.

    `name` is what the sink calls the kind; with `table`, it is listed and watched as the
    server's Tables (`kubectl get`'s columns) rather than as objects.
    """

    def __init__(
        self, watcher: ClusterWatcher, kind: Resource, name: str, *, table: bool = False
    ) -> None:
        self.watcher = watcher
        self.kind = kind
        self.name = name
        self.table = table
        self._accept = TABLE_ACCEPT if table else "application/json"
        self._path = kind.path(watcher.namespace)
        self._connection: Connection | None = None
        self._client: Client | None = None
        self._reported: KindStatus | None = None
        self._identity: str | None = None  # the certificate of the server we listed from
        self._watching = False  # the current attempt got as far as an open watch
        self._opened = 0.0  # when that watch opened

    def run(self) -> None:
        try:
            self._loop()
        finally:
            if self._client is not None:
                self._client.close()

    def _report(self, status: KindStatus) -> None:
        if status != self._reported and not self.watcher.stopping:
            self._reported = status
            self.watcher.sink.status(self.name, status)

    def _connect(self) -> bool:
        """Use the kubeconfig as it is now; True if it changed (a new client, so relist)."""
        connection = self.watcher.live_connection.refresh()
        if connection is self._connection:
            return False
        if self._client is not None:
            self._client.close()
        self._connection = connection
        # The loop retries on its own, with backoff: urllib3's retries would multiply timeouts.
        self._client = connection.client(single_attempt=True)
        self._identity = None
        return True

    def _loop(self) -> None:
        watcher = self.watcher
        shortest, longest = watcher.backoff
        delay = shortest
        version: str | None = None
        self._report(KindStatus("loading"))
        watcher.wait_for_first(self.name)
        while not watcher.stopping:
            failure: KindStatus | None = None
            self._watching = False
            try:
                if self._connect():
                    version = None
                if version is None:
                    version = self._list()
                    watcher.listed(self.name)
                version = self._watch(version)
            except _HistoryLost:
                version = None
            except Exception as exc:
                if watcher.stopping:
                    break  # stop() cut the answer being read: nothing failed
                failure = self._failure(exc)
                self._report(failure)
                # The server answering next may be a restarted one that never had `version`.
                version = None
            watcher.listed(self.name)  # a failed first list must not hold the others
            # A watch that ran a while proved the connection: the next trouble backs off afresh.
            # One that ended at once (or lost its history at once) is a server or proxy ending
            # every watch: back off rather than spin.
            lasted = self._watching and time.monotonic() - self._opened >= QUICK_WATCH_END
            if lasted:
                delay = shortest
            if failure is not None and failure.state in PER_KIND:
                pause = watcher.forbidden_retry
            else:
                pause = delay if failure is not None or not lasted else 0.0
            if pause:
                if watcher.wait(pause):
                    break
                delay = min(delay * 2, longest)

    def _failure(self, exc: Exception) -> KindStatus:
        """What `exc` means for the user, as a status naming the reason and what to do."""
        server = self._connection.server if self._connection is not None else ""
        plural = self.name
        if isinstance(exc, _StatusFailure):
            return http_failure(server, plural, exc.code, exc.message)
        if isinstance(exc, ApiError):
            return http_failure(server, plural, exc.status, api_message(exc))
        if isinstance(exc, urllib3.exceptions.HTTPError | OSError):
            typed = transport_error(server, exc)
            if typed is not None:
                if self._watching and isinstance(exc, urllib3.exceptions.ReadTimeoutError):
                    return stalled(self.watcher.timeouts.watch_idle)
                return transport_failure(typed, answered_before=self.watcher.answered)
            return KindStatus("reconnecting", str(exc), "unreachable", "k9lite retries")
        if isinstance(exc, orjson.JSONDecodeError):
            return KindStatus("error", f"undecodable answer: {exc}", "server", "k9lite relists")
        log.exception("watching %s failed", plural)
        return KindStatus(
            "error", f"{type(exc).__name__}: {exc}", "internal", "a k9lite bug; it relists"
        )

    def _open(self, read_timeout: float, query: dict[str, Any]) -> Any:
        """Send one GET of the kind's collection; the answer, tracked so `stop()` can cut it."""
        assert self._client is not None, "connected first"
        try:
            response = request(
                self._client,
                "GET",
                self._path,
                timeout=(self.watcher.timeouts.connect, read_timeout),
                query={"includeObject": "Metadata", **query} if self.table else query,
                accept=self._accept,
            )
        except ApiError as exc:
            self.watcher.answered = True
            if _history_lost(exc.status, _status_body(exc)):
                raise _HistoryLost() from None
            raise
        self.watcher.answered = True
        self.watcher.track(response)
        return response

    def _same_server(self, response: Any) -> bool:
        """False when the answer comes from another server than the one we listed from."""
        identity = peer_identity(response)
        return self._identity is None or identity is None or identity == self._identity

    def _list(self) -> str:
        """Every object, page by page, to the sink; returns the list's version.

        The sink decodes each page as it arrives (`_pages` is lazy), so a 10,000-pod list never
        holds every raw object at once: only the decoded ones and the page in hand.
        """
        version: list[str] = []
        self.watcher.sink.replace(self.name, self._pages(version))
        return version[0] if version else ""

    def _pages(self, version: list[str]) -> Iterator[dict[str, Any]]:
        """The list's objects, page by page; the last page's version into `version`. Raises
        (and so the sink changes nothing) if the list cannot finish.

        Each next page is asked for (in a thread) as soon as this one's continue token is known,
        so the server builds it while the sink takes in this one's objects: the two work at once
        instead of in turn (10,000 pods are 20 pages).
        """
        self._identity = None
        body = self._page(None)
        while True:
            with collector_paused():
                page = orjson.loads(body)
            del body
            metadata = page.get("metadata") or {}
            token = metadata.get("continue")
            ahead = _in_thread(partial(self._page, token), f"list {self.name}") if token else None
            try:
                if self.table:
                    self.watcher.sink.columns(self.name, page.get("columnDefinitions") or ())
                    yield from _table_rows(page)
                for item in page.get("items") or ():
                    # managedFields are a third of a real object and nothing here reads them.
                    (item.get("metadata") or {}).pop("managedFields", None)
                    yield item
            finally:
                del page
                if ahead is not None and not ahead.done():
                    # The sink stopped taking objects: the page on its way is not wanted.
                    ahead.add_done_callback(_discard)
            if ahead is None:
                version.append(str(metadata.get("resourceVersion", "")))
                return
            body = ahead.result()

    def _page(self, token: str | None) -> bytes:
        """The body of the page after `token` (the first page: None)."""
        response = self._open(
            self.watcher.timeouts.read, {"limit": self.watcher.page_size, "continue": token}
        )
        finished = False
        try:
            if not self._same_server(response):
                raise _HistoryLost()  # a continue token is only good on its own server
            self._identity = peer_identity(response)
            body: bytes = response.data
            finished = True
        finally:
            self.watcher.untrack(response, finished=finished)
        return body

    def _watch(self, version: str) -> str:
        """Follow changes from `version` until the server ends the stream; the last version."""
        watcher = self.watcher
        response = self._open(
            watcher.timeouts.watch_idle,
            {
                "watch": True,
                "resourceVersion": version,
                "allowWatchBookmarks": True,
                "timeoutSeconds": watcher.watch_timeout,
            },
        )
        finished = False
        try:
            if not self._same_server(response):
                raise _HistoryLost()
            # Reported live only once the watch is open: from then on no change is missed.
            self._report(KindStatus("live"))
            self._watching = True
            self._opened = time.monotonic()
            for line in event_lines(response):
                event = orjson.loads(line)
                event_type = event.get("type")
                obj = event.get("object") or {}
                if event_type == "ERROR":
                    code = int(obj.get("code") or 0)
                    if _history_lost(code, obj):
                        raise _HistoryLost()
                    raise _StatusFailure(code, str(obj.get("message") or obj))
                seen = (obj.get("metadata") or {}).get("resourceVersion")
                if event_type in ("ADDED", "MODIFIED", "DELETED"):
                    for item in _table_rows(obj) if self.table else (obj,):
                        watcher.sink.apply(self.name, event_type, item)
                        # A Table event may carry its version on its row's object only.
                        seen = seen or item["metadata"].get("resourceVersion")
                if seen:
                    version = str(seen)
            finished = True
        finally:
            watcher.untrack(response, finished=finished)
        return version
