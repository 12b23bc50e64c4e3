"""One watch stream: the initial state, then every visible change, BOOKMARKs, until its timeout.

As kube-apiserver's watch cache serves it: events after a resourceVersion (or the current state
first), filtered by namespace and selectors, as plain objects or one-row Tables.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import orjson
from aiohttp import web

from k9lite.demo.errors import APIError
from k9lite.demo.freshness import parse_resource_version, wait_until_fresh
from k9lite.demo.requests import ListOptions, wants_table
from k9lite.demo.resources import ResourceType
from k9lite.demo.store import Store, StoreEvent
from k9lite.demo.tables import Printer, table
from k9lite.demo.wire_forms import WireForm
from k9lite.demo.zero import zero_object

__all__ = ["WatchStream"]

_DEFAULT_WATCH_SECONDS = 1800
_INITIAL_EVENTS_END = "k8s.io/initial-events-end"
_BOOKMARK_BEFORE_TIMEOUT = 1.5


class WatchStream:
    """A watch of one resource for one request."""

    def __init__(
        self,
        store: Store,
        form: WireForm,
        printer: Printer,
        namespace: str | None,
        options: ListOptions,
        *,
        bookmark_interval: float,
        freshness_timeout: float,
    ) -> None:
        self.store = store
        self.form = form
        self.printer = printer
        self.namespace = namespace
        self.options = options
        self.bookmark_interval = bookmark_interval
        self.freshness_timeout = freshness_timeout

    async def serve(
        self, request: web.BaseRequest, select: Callable[[], list[dict[str, Any]]]
    ) -> web.StreamResponse:
        """Stream the watch; `select` lists the current objects the watch starts with."""
        options, form = self.options, self.form
        rt = form.stored
        initial = options.send_initial_events
        if initial is None:
            # Without sendInitialEvents, a watch from "" or "0" starts with the current state.
            initial = options.resource_version in ("", "0")
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        table_form = wants_table(request)
        first_row = True

        async def send(type_: str, obj: dict[str, Any]) -> None:
            nonlocal first_row
            if table_form and type_ in ("ADDED", "MODIFIED", "DELETED"):
                obj = table(
                    self.printer,
                    [obj],
                    now=datetime.now(timezone.utc),
                    include_object=options.include_object,
                    resource_version=obj["metadata"]["resourceVersion"],
                    with_column_definitions=first_row,
                )
                first_row = False
            elif type_ in ("ADDED", "MODIFIED", "DELETED"):
                obj = form.to_wire(obj)
            await response.write(orjson.dumps({"type": type_, "object": obj}) + b"\n")

        requested = parse_resource_version(options.resource_version)
        since = self.store.resource_version if initial else requested
        try:
            # A watch from a version ahead of the store (a restarted server's counter began
            # again) ends with an ERROR event, as the watch cache sends its errors.
            await wait_until_fresh(self.store, requested, self.freshness_timeout)
            queue = self.store.subscribe(rt, since)
        except APIError as exc:
            await response.prepare(request)
            await send("ERROR", exc.status())
            return response
        snapshot = select() if initial else []
        await response.prepare(request)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (options.timeout_seconds or _DEFAULT_WATCH_SECONDS)
        try:
            for obj in snapshot:
                await send("ADDED", obj)
            if options.send_initial_events:
                await send("BOOKMARK", self._bookmark(form.served, {_INITIAL_EVENTS_END: "true"}))
            bookmark_at = self._next_bookmark(loop.time(), deadline)
            while (remaining := deadline - loop.time()) > 0:
                try:
                    event = await asyncio.wait_for(
                        queue.get(), min(remaining, max(0.0, bookmark_at - loop.time()))
                    )
                except asyncio.TimeoutError:
                    if loop.time() >= bookmark_at:
                        await send("BOOKMARK", self._bookmark(form.served, None))
                        bookmark_at = self._next_bookmark(loop.time(), deadline)
                    continue
                if event is None:
                    break
                change = self._visible_change(event)
                if change is not None:
                    await send(change, event.obj)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.store.unsubscribe(rt, queue)
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response

    def _next_bookmark(self, now: float, deadline: float) -> float:
        """When the next BOOKMARK is due: every interval, and once shortly before the timeout.

        The watch cache sends one about 2 s before a watch's deadline (its bookmark timer ticks
        every second: recorded 1.27 s before a 6 s timeout) so the client resumes from a fresh
        resourceVersion; `inf` when bookmarks were not asked for or the last one is sent.
        """
        if not self.options.allow_bookmarks:
            return math.inf
        heartbeat = now + self.bookmark_interval
        last_call = deadline - _BOOKMARK_BEFORE_TIMEOUT
        if heartbeat < last_call:
            return heartbeat
        return last_call if last_call > now else math.inf

    def _bookmark(self, rt: ResourceType, annotations: dict[str, str] | None) -> dict[str, Any]:
        """The kind's empty object with only a resourceVersion, as the watch cache sends it."""
        bookmark = zero_object(rt.kind, rt.group_version)
        bookmark["metadata"]["resourceVersion"] = str(self.store.resource_version)
        if annotations:
            bookmark["metadata"]["annotations"] = annotations
        return bookmark

    def _visible_change(self, event: StoreEvent) -> str | None:
        """The event type a filtered watcher sees: moving into the filter is ADDED, out DELETED."""
        namespace, options = self.namespace, self.options

        def visible(obj: dict[str, Any] | None) -> bool:
            if obj is None:
                return False
            meta = obj["metadata"]
            return (
                (namespace is None or meta.get("namespace") == namespace)
                and options.labels.matches(meta.get("labels") or {})
                and options.fields.matches(obj)
            )

        now_visible = visible(event.obj)
        if event.type != "MODIFIED":
            return event.type if now_visible or visible(event.old) else None
        was_visible = visible(event.old)
        if now_visible:
            return "MODIFIED" if was_visible else "ADDED"
        return "DELETED" if was_visible else None
