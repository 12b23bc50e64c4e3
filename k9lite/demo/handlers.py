"""Resource handlers: list, get, watch, create, update, patch, delete, scale."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

import orjson
from aiohttp import web

from k9lite.demo.container.processes import MainProcesses
from k9lite.demo.dataplane import DataPlane
from k9lite.demo.errors import APIError, bad_request, gone, method_not_allowed
from k9lite.demo.field_validation import check_fields, check_patch_fields
from k9lite.demo.freshness import BLOCK_TIMEOUT, parse_resource_version, wait_until_fresh
from k9lite.demo.managed_fields import manager_from_request, writing_as
from k9lite.demo.patch import JSON_PATCH
from k9lite.demo.pod_log_stream import serve_log
from k9lite.demo.pod_logs import PodLogs
from k9lite.demo.pod_proxy import pod_target
from k9lite.demo.port_forward import PortForward
from k9lite.demo.proxy_transport import ProxyTarget, ProxyTransport
from k9lite.demo.registry import Registry
from k9lite.demo.remote_command import serve_attach, serve_exec
from k9lite.demo.requests import (
    ListOptions,
    ResourcePath,
    decode_continue,
    encode_continue,
    read_body,
    wants_table,
)
from k9lite.demo.resources import ResourceType
from k9lite.demo.scale_subresource import get_scale, patch_scale, update_scale
from k9lite.demo.server_side_apply import APPLY_PATCH, apply_options, server_side_apply
from k9lite.demo.service_proxy import ServiceProxy
from k9lite.demo.tables import Printer, table
from k9lite.demo.watch import WatchStream
from k9lite.demo.wire import json_response
from k9lite.demo.wire_forms import WireForm

__all__ = ["ResourceHandlers", "json_response"]

_TYPE_KEYS = ("apiVersion", "kind")
_EQUALITIES = frozenset({"=", "in"})
"""Label requirements the store's label index answers (`a=b`, `a in (b,c)`); the others
(`!=`, `notin`, `a`, `!a`) are checked on each object the equalities leave."""


def _list_kind(rt: ResourceType) -> dict[str, str]:
    return {"kind": f"{rt.kind}List", "apiVersion": rt.group_version}


class ResourceHandlers:
    """Serves the resource paths of the API on top of a Registry."""

    def __init__(
        self,
        registry: Registry,
        dataplane: DataPlane | None,
        *,
        pod_logs: PodLogs,
        bookmark_interval: float = 30.0,
        processes: MainProcesses,
    ) -> None:
        self.registry = registry
        self.pod_logs = pod_logs
        self.processes = processes
        self.store = registry.store
        self.dataplane = dataplane
        self.bookmark_interval = bookmark_interval
        self.freshness_timeout = BLOCK_TIMEOUT
        """How long a read from a version ahead of the store waits for it (tests shorten it)."""
        self.proxy = ProxyTransport(dataplane)
        self.services = ServiceProxy(self.store)
        self.port_forward = PortForward(self.store, dataplane)

    async def close(self) -> None:
        await self.proxy.close()

    async def handle(self, request: web.Request, path: ResourcePath) -> web.StreamResponse:
        manager = manager_from_request(
            request.query.get("fieldManager"), request.headers.get("User-Agent", "")
        )
        subresource = path.subresource if path.subresource in ("status", "scale") else None
        with writing_as(manager, subresource):
            return await self._serve(request, path)

    async def _serve(self, request: web.Request, path: ResourcePath) -> web.StreamResponse:
        form, method = self.registry.kinds.wire_form(path.resource), request.method
        rt = form.stored
        namespace = path.namespace if rt.namespaced else None
        if rt.namespaced and path.namespace is None and (path.name or method != "GET"):
            raise APIError(404, "NotFound", "the server could not find the requested resource")
        if path.subresource == "proxy":
            return await self.proxy.forward(request, path.rest, self._proxy_target(path))
        if path.subresource == "log":
            if method != "GET":
                raise method_not_allowed(method)
            pod = self.store.get(rt, namespace or "", path.name or "")
            return await serve_log(request, pod, self.pod_logs)
        if path.subresource in ("exec", "attach") and method in ("GET", "POST"):
            assert path.namespace is not None and path.name is not None
            if path.subresource == "attach":
                return await serve_attach(
                    request, self.store, self.processes, path.namespace, path.name
                )
            return await serve_exec(request, self.store, self.processes, path.namespace, path.name)
        if path.subresource == "portforward" and rt.kind == "Pod" and path.name:
            return await self.port_forward.serve(request, path.namespace or "", path.name)
        dry_run = bool(request.query.get("dryRun"))
        if path.name is None:
            if method == "GET":
                options = self._list_options(request.query, form)
                if options.watch:
                    return await self._watch(request, form, namespace, options)
                if not options.continue_token:
                    await self._fresh(options.resource_version)
                    if options.resource_version_match == "Exact":
                        self._exactly_now(options.resource_version)
                return self._list(request, form, namespace, options)
            if method == "POST":
                wire = await read_body(request)
                check_fields(request, form.served, wire)
                body = form.from_wire(wire)
                created = self.registry.create(rt, namespace, body, dry_run=dry_run)
                return self._object_response(request, form, created, 201)
            if method == "DELETE":
                return self._delete_collection(request, form, namespace)
            raise method_not_allowed(method)
        name = path.name
        if path.subresource == "scale":
            return await self._scale(request, rt, namespace or "", name)
        if method == "GET":
            await self._fresh(request.query.get("resourceVersion", ""))
            return self._object_response(request, form, self.store.get(rt, namespace or "", name))
        if method == "PUT":
            wire = await read_body(request)
            check_fields(request, form.served, wire)
            updated = self.registry.update(
                rt,
                namespace,
                name,
                form.from_wire(wire),
                subresource=path.subresource,
                dry_run=dry_run,
            )
            return self._object_response(request, form, updated)
        if method == "PATCH":
            content_type = request.headers.get("Content-Type", "")
            manager, force = apply_options(request.query, content_type)
            if content_type.partition(";")[0].strip().lower() == APPLY_PATCH:
                applied, was_created = server_side_apply(
                    self.registry,
                    rt,
                    namespace,
                    name,
                    await request.read(),
                    manager=manager,
                    force=force,
                    dry_run=dry_run,
                )
                return self._object_response(request, form, applied, 201 if was_created else 200)
            body = await request.read()
            if content_type.partition(";")[0].strip().lower() != JSON_PATCH:
                check_patch_fields(request, form.served, body)
            patched = self.registry.patch(
                rt,
                namespace,
                name,
                content_type,
                form.patch(content_type, body),
                subresource=path.subresource,
                dry_run=dry_run,
            )
            return self._object_response(request, form, patched)
        if method == "DELETE":
            delete_options = _delete_options(await request.read(), request.query)
            deleted = self.registry.delete(rt, namespace, name, delete_options, dry_run=dry_run)
            return self._object_response(request, form, deleted)
        raise method_not_allowed(method)

    def _proxy_target(self, path: ResourcePath) -> ProxyTarget:
        """Where a proxy subresource's request goes: a pod, or one of a Service's endpoints."""
        assert path.name is not None and path.namespace is not None
        if path.resource.kind == "Pod":
            return pod_target(self.store, path.namespace, path.name)
        return self.services.target(path.namespace, path.name)

    # -- reads ----------------------------------------------------------------------------------

    def _list_options(self, query: Any, form: WireForm) -> ListOptions:
        """A list's options, its field selector checked against the served resource's labels
        and pointed at the stored object's paths."""
        labels = self.registry.kinds.strategy(form.served).field_labels
        options = ListOptions.from_query(query, labels)
        return dataclasses.replace(options, fields=form.stored_fields(options.fields))

    def _printer(self, form: WireForm) -> Printer:
        """The served resource's printer (a custom resource's columns are per version)."""
        return self.registry.kinds.strategy(form.served).printer

    def _exactly_now(self, resource_version: str) -> None:
        """resourceVersionMatch=Exact: the demo keeps no history (as if etcd compacted at each
        write), so only the current version can be listed; an older one is 410 Expired, as
        the watch cache answers a version it no longer holds."""
        wanted, current = parse_resource_version(resource_version), self.store.resource_version
        if wanted != current:
            raise gone(f"too old resource version: {wanted} ({current})")

    async def _fresh(self, resource_version: str) -> None:
        """A read "not older than" a version waits for the store to reach it (or is refused)."""
        await wait_until_fresh(
            self.store, parse_resource_version(resource_version), self.freshness_timeout
        )

    def _object_response(
        self, request: web.BaseRequest, form: WireForm, obj: dict[str, Any], status: int = 200
    ) -> web.Response:
        if wants_table(request):
            include = request.query.get("includeObject", "Metadata")
            return json_response(
                table(
                    self._printer(form),
                    [obj],
                    now=_now(),
                    include_object=include,
                    resource_version=obj["metadata"]["resourceVersion"],
                ),
                status,
            )
        return json_response(form.to_wire(obj), status)

    def _select(
        self,
        rt: ResourceType,
        namespace: str | None,
        options: ListOptions,
        after: tuple[str, str] | None = None,
    ) -> Iterable[dict[str, Any]]:
        equalities = [
            (r.key, r.values) for r in options.labels.requirements if r.operator in _EQUALITIES
        ]
        candidates = self.store.labelled(rt, namespace, equalities, after)
        for obj in self.store.iter(rt, namespace, after) if candidates is None else candidates:
            if options.labels.matches(
                obj["metadata"].get("labels") or {}
            ) and options.fields.matches(obj):
                yield obj

    def _list(
        self,
        request: web.BaseRequest,
        form: WireForm,
        namespace: str | None,
        options: ListOptions,
    ) -> web.Response:
        rt = form.stored
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
                    self._printer(form),
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
        return json_response(
            {
                **_list_kind(form.served),
                "metadata": metadata,
                "items": [
                    {k: v for k, v in form.to_wire(item).items() if k not in _TYPE_KEYS}
                    for item in items
                ],
            }
        )

    def _delete_collection(
        self, request: web.BaseRequest, form: WireForm, namespace: str | None
    ) -> web.Response:
        rt = form.stored
        options = self._list_options(request.query, form)
        deleted = [
            self.registry.delete(rt, namespace, obj["metadata"]["name"])
            for obj in list(self._select(rt, namespace, options))
        ]
        return json_response(
            {
                **_list_kind(form.served),
                "metadata": {"resourceVersion": str(self.store.resource_version)},
                "items": [form.to_wire(item) for item in deleted],
            }
        )

    # -- watch ----------------------------------------------------------------------------------

    async def _watch(
        self,
        request: web.BaseRequest,
        form: WireForm,
        namespace: str | None,
        options: ListOptions,
    ) -> web.StreamResponse:
        return await WatchStream(
            self.store,
            form,
            self._printer(form),
            namespace,
            options,
            bookmark_interval=self.bookmark_interval,
            freshness_timeout=self.freshness_timeout,
        ).serve(request, lambda: list(self._select(form.stored, namespace, options)))

    # -- scale ----------------------------------------------------------------------------------

    async def _scale(
        self, request: web.BaseRequest, rt: ResourceType, namespace: str, name: str
    ) -> web.Response:
        if request.method == "GET":
            return json_response(get_scale(self.registry, rt, namespace, name))
        if request.method == "PUT":
            return json_response(
                update_scale(self.registry, rt, namespace, name, await read_body(request))
            )
        if request.method == "PATCH":
            return json_response(
                patch_scale(
                    self.registry,
                    rt,
                    namespace,
                    name,
                    request.headers.get("Content-Type", ""),
                    await request.read(),
                )
            )
        raise method_not_allowed(request.method)


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


def _now() -> datetime:
    return datetime.now(timezone.utc)
