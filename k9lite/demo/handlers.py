"""Resource handlers: list, get, watch, create, update, patch, delete, scale, service proxy."""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

import orjson
from aiohttp import ClientError, ClientSession, ClientTimeout, web

from k9lite.demo.dataplane import DataPlane
from k9lite.demo.errors import APIError, bad_request
from k9lite.demo.managed_fields import manager_from_request, writing_as
from k9lite.demo.registry import Registry, resource
from k9lite.demo.requests import (
    ListOptions,
    ResourcePath,
    decode_continue,
    encode_continue,
    read_body,
    wants_table,
)
from k9lite.demo.resources import ResourceType
from k9lite.demo.store import StoreEvent
from k9lite.demo.tables import table
from k9lite.demo.wire import json_response
from k9lite.demo.zero import zero_object

__all__ = ["ResourceHandlers", "json_response"]

_DEFAULT_WATCH_SECONDS = 1800
_PROXY_TIMEOUT = ClientTimeout(total=10)
_INITIAL_EVENTS_END = "k8s.io/initial-events-end"
_TYPE_KEYS = ("apiVersion", "kind")
_BOOKMARK_BEFORE_TIMEOUT = 1.5


def _list_kind(rt: ResourceType) -> dict[str, str]:
    return {"kind": f"{rt.kind}List", "apiVersion": rt.group_version}


class ResourceHandlers:
    """Serves the resource paths of the API on top of a Registry."""

    def __init__(
        self, registry: Registry, dataplane: DataPlane | None, *, bookmark_interval: float = 30.0
    ) -> None:
        self.registry = registry
        self.store = registry.store
        self.dataplane = dataplane
        self.bookmark_interval = bookmark_interval
        self.rng = random.Random()
        self._session: ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def handle(self, request: web.Request, path: ResourcePath) -> web.StreamResponse:
        manager = manager_from_request(
            request.query.get("fieldManager"), request.headers.get("User-Agent", "")
        )
        subresource = path.subresource if path.subresource in ("status", "scale") else None
        with writing_as(manager, subresource):
            return await self._serve(request, path)

    async def _serve(self, request: web.Request, path: ResourcePath) -> web.StreamResponse:
        rt, method = path.resource, request.method
        namespace = path.namespace if rt.namespaced else None
        if rt.namespaced and path.namespace is None and (path.name or method != "GET"):
            raise APIError(404, "NotFound", "the server could not find the requested resource")
        if path.subresource == "proxy":
            return await self._proxy(request, path)
        dry_run = bool(request.query.get("dryRun"))
        if path.name is None:
            if method == "GET":
                options = ListOptions.from_query(request.query, rt)
                if options.watch:
                    return await self._watch(request, rt, namespace, options)
                return self._list(request, rt, namespace, options)
            if method == "POST":
                created = self.registry.create(
                    rt, namespace, await read_body(request), dry_run=dry_run
                )
                return self._object_response(request, rt, created, 201)
            if method == "DELETE":
                return self._delete_collection(request, rt, namespace)
            raise _method_not_allowed(method)
        name = path.name
        if path.subresource == "scale":
            return await self._scale(request, rt, namespace or "", name)
        if method == "GET":
            return self._object_response(request, rt, self.store.get(rt, namespace or "", name))
        if method == "PUT":
            updated = self.registry.update(
                rt,
                namespace,
                name,
                await read_body(request),
                subresource=path.subresource,
                dry_run=dry_run,
            )
            return self._object_response(request, rt, updated)
        if method == "PATCH":
            patched = self.registry.patch(
                rt,
                namespace,
                name,
                request.headers.get("Content-Type", ""),
                await request.read(),
                subresource=path.subresource,
                dry_run=dry_run,
            )
            return self._object_response(request, rt, patched)
        if method == "DELETE":
            delete_options = _delete_options(await request.read(), request.query)
            deleted = self.registry.delete(rt, namespace, name, delete_options, dry_run=dry_run)
            return self._object_response(request, rt, deleted)
        raise _method_not_allowed(method)

    # -- reads ----------------------------------------------------------------------------------

    def _object_response(
        self, request: web.BaseRequest, rt: ResourceType, obj: dict[str, Any], status: int = 200
    ) -> web.Response:
        if wants_table(request):
            include = request.query.get("includeObject", "Metadata")
            return json_response(
                table(
                    rt.plural,
                    [obj],
                    now=_now(),
                    include_object=include,
                    resource_version=obj["metadata"]["resourceVersion"],
                ),
                status,
            )
        return json_response(obj, status)

    def _select(
        self,
        rt: ResourceType,
        namespace: str | None,
        options: ListOptions,
        after: tuple[str, str] | None = None,
    ) -> Iterable[dict[str, Any]]:
        for obj in self.store.iter(rt, namespace, after):
            if options.labels.matches(
                obj["metadata"].get("labels") or {}
            ) and options.fields.matches(obj):
                yield obj

    def _list(
        self,
        request: web.BaseRequest,
        rt: ResourceType,
        namespace: str | None,
        options: ListOptions,
    ) -> web.Response:
        after = decode_continue(options.continue_token) if options.continue_token else None
        resource_version = self.store.resource_version
        items: list[dict[str, Any]] = []
        matches = self._select(rt, namespace, options, after)
        continue_token = None
        remaining = None
        for obj in matches:
            if options.limit and len(items) == options.limit:
                last = items[-1]["metadata"]
                continue_token = encode_continue(
                    resource_version, last.get("namespace", ""), last["name"]
                )
                # As kube-apiserver, the count is given only when no selector filters the list.
                if options.labels.empty and options.fields.empty:
                    remaining = self.store.count_after(
                        rt, namespace, (last.get("namespace", ""), last["name"])
                    )
                break
            items.append(obj)
        if wants_table(request):
            return json_response(
                table(
                    rt.plural,
                    items,
                    now=_now(),
                    include_object=options.include_object,
                    resource_version=str(resource_version),
                    continue_token=continue_token,
                    remaining_item_count=remaining,
                )
            )
        metadata: dict[str, Any] = {"resourceVersion": str(resource_version)}
        if continue_token:
            metadata["continue"] = continue_token
            if remaining is not None:
                metadata["remainingItemCount"] = remaining
        # Items of a list carry no apiVersion and kind: the list's own say what they are.
        items = [{k: v for k, v in obj.items() if k not in _TYPE_KEYS} for obj in items]
        return json_response({**_list_kind(rt), "metadata": metadata, "items": items})

    def _delete_collection(
        self, request: web.BaseRequest, rt: ResourceType, namespace: str | None
    ) -> web.Response:
        options = ListOptions.from_query(request.query, rt)
        deleted = [
            self.registry.delete(rt, namespace, obj["metadata"]["name"])
            for obj in list(self._select(rt, namespace, options))
        ]
        return json_response(
            {
                **_list_kind(rt),
                "metadata": {"resourceVersion": str(self.store.resource_version)},
                "items": deleted,
            }
        )

    # -- watch ----------------------------------------------------------------------------------

    async def _watch(
        self,
        request: web.BaseRequest,
        rt: ResourceType,
        namespace: str | None,
        options: ListOptions,
    ) -> web.StreamResponse:
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
                    rt.plural,
                    [obj],
                    now=_now(),
                    include_object=options.include_object,
                    resource_version=obj["metadata"]["resourceVersion"],
                    with_column_definitions=first_row,
                )
                first_row = False
            await response.write(orjson.dumps({"type": type_, "object": obj}) + b"\n")

        try:
            since = self.store.resource_version if initial else int(options.resource_version or 0)
        except ValueError:
            raise bad_request(f"invalid resourceVersion: {options.resource_version!r}") from None
        try:
            queue = self.store.subscribe(rt, since)
        except APIError as exc:
            await response.prepare(request)
            await send("ERROR", exc.status())
            return response
        snapshot = list(self._select(rt, namespace, options)) if initial else []
        await response.prepare(request)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (options.timeout_seconds or _DEFAULT_WATCH_SECONDS)
        try:
            for obj in snapshot:
                await send("ADDED", obj)
            if options.send_initial_events:
                await send("BOOKMARK", self._bookmark(rt, {_INITIAL_EVENTS_END: "true"}))
            bookmark_at = self._next_bookmark(loop.time(), deadline, options)
            while (remaining := deadline - loop.time()) > 0:
                try:
                    event = await asyncio.wait_for(
                        queue.get(), min(remaining, max(0.0, bookmark_at - loop.time()))
                    )
                except asyncio.TimeoutError:
                    if loop.time() >= bookmark_at:
                        await send("BOOKMARK", self._bookmark(rt, None))
                        bookmark_at = self._next_bookmark(loop.time(), deadline, options)
                    continue
                if event is None:
                    break
                change = self._visible_change(event, namespace, options)
                if change is not None:
                    await send(change, event.obj)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.store.unsubscribe(rt, queue)
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response

    def _next_bookmark(self, now: float, deadline: float, options: ListOptions) -> float:
        """When the next BOOKMARK is due: every interval, and once shortly before the timeout.

        The watch cache sends one about 2 s before a watch's deadline (its bookmark timer ticks
        every second: recorded 1.27 s before a 6 s timeout) so the client resumes from a fresh
        resourceVersion; `inf` when bookmarks were not asked for or the last one is sent.
        """
        if not options.allow_bookmarks:
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

    @staticmethod
    def _visible_change(
        event: StoreEvent, namespace: str | None, options: ListOptions
    ) -> str | None:
        """The event type a filtered watcher sees: moving into the filter is ADDED, out DELETED."""

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

    # -- scale ----------------------------------------------------------------------------------

    async def _scale(
        self, request: web.BaseRequest, rt: ResourceType, namespace: str, name: str
    ) -> web.Response:
        if request.method == "GET":
            return json_response(self.registry.get_scale(rt, namespace, name))
        if request.method == "PUT":
            return json_response(
                self.registry.update_scale(rt, namespace, name, await read_body(request))
            )
        if request.method == "PATCH":
            return json_response(
                self.registry.patch_scale(
                    rt,
                    namespace,
                    name,
                    request.headers.get("Content-Type", ""),
                    await request.read(),
                )
            )
        raise _method_not_allowed(request.method)

    # -- service proxy --------------------------------------------------------------------------

    async def _proxy(self, request: web.BaseRequest, path: ResourcePath) -> web.Response:
        """Forward one request to a random ready endpoint of the Service, as kube-apiserver."""
        if path.resource.kind != "Service" or path.name is None or path.namespace is None:
            raise APIError(404, "NotFound", "the server could not find the requested resource")
        scheme, name, port = _split_proxy_name(path.name)
        svc = self.store.get(path.resource, path.namespace, name)
        ports = svc["spec"].get("ports") or []
        service_port = next(
            (p for p in ports if port in ("", str(p.get("port")), p.get("name"))), None
        )
        if service_port is None:
            raise APIError(
                503, "ServiceUnavailable", f'no endpoints available for service "{name}"'
            )
        endpoints = self.store.find(resource("Endpoints"), path.namespace, name) or {}
        candidates = [
            (address["ip"], p["port"])
            for subset in endpoints.get("subsets") or ()
            for p in subset.get("ports") or ()
            if (p.get("name") or "") == (service_port.get("name") or "")
            for address in subset.get("addresses") or ()
        ]
        if not candidates:
            raise APIError(
                503, "ServiceUnavailable", f'no endpoints available for service "{name}"'
            )
        ip, target_port = self.rng.choice(candidates)
        backend = self.dataplane.resolve(ip, target_port) if self.dataplane else None
        if backend is None:
            raise APIError(
                503,
                "ServiceUnavailable",
                f"error trying to reach service: dial tcp {ip}:{target_port}: "
                "the demo cluster's data plane is off",
            )
        if self._session is None:
            self._session = ClientSession(timeout=_PROXY_TIMEOUT)
        url = f"{scheme or 'http'}://{backend[0]}:{backend[1]}/{path.rest}"
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in ("authorization", "host", "content-length")
        }
        try:
            async with self._session.request(
                request.method,
                url,
                params=request.query,
                data=await request.read(),
                headers=headers,
            ) as upstream:
                body = await upstream.read()
                return web.Response(
                    body=body, status=upstream.status, content_type=upstream.content_type
                )
        except (ClientError, asyncio.TimeoutError) as exc:
            raise APIError(
                503,
                "ServiceUnavailable",
                f"error trying to reach service: dial tcp {ip}:{target_port}: "
                f"{exc or type(exc).__name__}",
            ) from None


def _delete_options(raw: bytes, query: Any) -> dict[str, Any]:
    """DeleteOptions from the body and the query, as kube-apiserver reads them."""
    try:
        options = orjson.loads(raw) if raw.strip() else {}
    except orjson.JSONDecodeError as exc:
        raise bad_request(f"the body of the request is not valid DeleteOptions: {exc}") from None
    if not isinstance(options, dict):
        raise bad_request("the body of the request is not a DeleteOptions object")
    if query.get("gracePeriodSeconds"):
        try:
            options["gracePeriodSeconds"] = int(query["gracePeriodSeconds"])
        except ValueError:
            raise bad_request(
                f"invalid gracePeriodSeconds: {query['gracePeriodSeconds']!r} is not a number"
            ) from None
    if query.get("propagationPolicy"):
        options["propagationPolicy"] = query["propagationPolicy"]
    return options


def _split_proxy_name(raw: str) -> tuple[str, str, str]:
    """`[scheme:]name[:port]` as the proxy path spells a Service."""
    parts = raw.split(":")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return "", raw, ""


def _method_not_allowed(method: str) -> APIError:
    return APIError(
        405,
        "MethodNotAllowed",
        f"the server does not allow this method on the requested resource ({method})",
    )


def _now() -> datetime:
    return datetime.now(timezone.utc)
