"""The demo cluster's HTTPS API server: authentication, fault switches and routing."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import ssl
from dataclasses import dataclass, field

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler

from k9lite.demo import discovery
from k9lite.demo.api_warnings import add_warning, deprecation_warning, send_warnings
from k9lite.demo.container.processes import MainProcesses
from k9lite.demo.dataplane import DataPlane
from k9lite.demo.errors import APIError, method_not_allowed
from k9lite.demo.handlers import ResourceHandlers, json_response
from k9lite.demo.listen_socket import ListenSocket
from k9lite.demo.pod_logs import PodLogs
from k9lite.demo.rbac.attributes import Attributes, UserInfo, request_attributes
from k9lite.demo.rbac.authorizer import RBACAuthorizer, forbidden_error
from k9lite.demo.rbac.connect import create_also_required
from k9lite.demo.rbac.escalation import REQUEST_USER
from k9lite.demo.rbac.reviews import REVIEW_GROUPS, answer_review
from k9lite.demo.rbac.users import TokenAuthenticator
from k9lite.demo.registry import Registry
from k9lite.demo.requests import ResourcePath, parse_resource_path, read_body
from k9lite.demo.server_side_apply import APPLY_PATCH
from k9lite.demo.wire import stamp_response

__all__ = ["APIServer", "ServerFaults"]

log = logging.getLogger(__name__)

_USER = web.RequestKey("user", UserInfo)


@dataclass(slots=True)
class ServerFaults:
    """Switches tests flip to make the server misbehave like a real one sometimes does."""

    forbidden: set[str] = field(default_factory=set)
    """Resource plurals (e.g. "nodes") that no user may touch: every request gets 403."""
    latency: float = 0.0
    """Seconds added before every API answer."""
    requests: list[str] | None = None
    """When a list, each request's `METHOD path?query` is appended: what a client asked for."""


class APIServer:
    """kube-apiserver on 127.0.0.1: HTTPS, bearer tokens, RBAC, the resources of `resources`."""

    def __init__(
        self,
        registry: Registry,
        dataplane: DataPlane | None,
        *,
        authenticator: TokenAuthenticator,
        ssl_context: ssl.SSLContext,
        pod_logs: PodLogs,
        port: int = 0,
        bookmark_interval: float = 30.0,
        processes: MainProcesses,
    ) -> None:
        self.registry = registry
        self.authenticator = authenticator
        self.authorizer = RBACAuthorizer(registry.store)
        self.ssl_context = ssl_context
        self.port = port
        self.faults = ServerFaults()
        self.handlers = ResourceHandlers(
            registry,
            dataplane,
            pod_logs=pod_logs,
            bookmark_interval=bookmark_interval,
            processes=processes,
        )
        self._runner: web.AppRunner | None = None
        self._listening: ListenSocket | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def _make_app(self) -> web.Application:
        app = web.Application(
            middlewares=[self._errors, self._authenticate, self._authorize, self._faults],
            client_max_size=16 * 1024 * 1024,
        )
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        app.on_response_prepare.append(stamp_response)
        app.on_response_prepare.append(send_warnings)
        return app

    async def start(self) -> None:
        """Listen on 127.0.0.1 only; the first start picks a free port, restarts reuse it."""
        self._runner = web.AppRunner(
            self._make_app(), access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        server, loop = self._runner.server, asyncio.get_running_loop()
        assert server is not None
        self._listening = ListenSocket(
            self.port,
            lambda conn: loop.connect_accepted_socket(server, conn, ssl=self.ssl_context),
        )
        self.port = self._listening.port

    async def stop(self) -> None:
        # Watches first: their streams end cleanly instead of being cut at shutdown_timeout.
        self.registry.store.close_watches()
        if self._listening is not None:
            await self._listening.close()
            self._listening = None
        if self._runner is not None:
            # Cut open connections as a dying API server does: a TLS close would wait for
            # each client's close_notify, and the sockets would outlive the server.
            if self._runner.server is not None:
                for connection in list(self._runner.server.connections):
                    if connection.transport is not None:
                        connection.transport.abort()
            # A log's followers see their connection cut when woken, and end now.
            self.handlers.pod_logs.wake()
            await self._runner.cleanup()
            self._runner = None
        await self.handlers.close()

    async def restart(self) -> None:
        """Stop listening and start again on the same port, keeping every object."""
        await self.stop()
        await self.start()

    # -- middleware -----------------------------------------------------------------------------

    @web.middleware
    async def _errors(
        self,
        request: web.Request,
        handler: Handler,
    ) -> web.StreamResponse:
        try:
            return await handler(request)
        except APIError as exc:
            # As the real server's error writer: a Status that says when to retry says it twice.
            retry = (exc.details or {}).get("retryAfterSeconds")
            headers = {"Retry-After": str(retry)} if retry else None
            return json_response(exc.status(), exc.code, headers)

    @web.middleware
    async def _authenticate(
        self,
        request: web.Request,
        handler: Handler,
    ) -> web.StreamResponse:
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        user = (
            self.authenticator.authenticate(given.strip()) if scheme.lower() == "bearer" else None
        )
        if user is None:
            raise APIError(401, "Unauthorized", "Unauthorized")
        request[_USER] = user
        return await handler(request)

    @web.middleware
    async def _authorize(
        self,
        request: web.Request,
        handler: Handler,
    ) -> web.StreamResponse:
        """Every request is authorized before it is routed, so a refused one never learns more."""
        query = {key: request.query.getall(key) for key in request.query}
        attributes = request_attributes(request[_USER], request.method, request.path, query)
        if attributes.resource in self.faults.forbidden:
            raise forbidden_error(attributes, "")
        decision = self.authorizer.authorize(attributes)
        if not decision.allowed:
            raise forbidden_error(attributes, decision.reason)
        create = create_also_required(attributes, request.headers.get("Upgrade", ""))
        if create is None and self._applies_to_nothing(request, attributes):
            # An apply that would create the object needs `create` too (apiserver patch.go).
            create = dataclasses.replace(attributes, verb="create")
        if create is not None and not (decision := self.authorizer.authorize(create)).allowed:
            raise forbidden_error(create, decision.reason)
        if (warning := deprecation_warning(attributes)) is not None:
            add_warning(request, warning)
        # The writer of this request, for the registry's escalation check.
        writer = REQUEST_USER.set(request[_USER])
        try:
            return await handler(request)
        finally:
            REQUEST_USER.reset(writer)

    def _applies_to_nothing(self, request: web.Request, attributes: Attributes) -> bool:
        """Whether this is a server-side apply to an object that does not exist yet."""
        content_type = request.headers.get("Content-Type", "").partition(";")[0].strip()
        if attributes.verb != "patch" or content_type.lower() != APPLY_PATCH:
            return False
        rt = self.registry.kinds.find(
            attributes.api_group, attributes.api_version, attributes.resource
        )
        return rt is not None and (
            self.registry.store.find(rt, attributes.namespace, attributes.name) is None
        )

    @web.middleware
    async def _faults(
        self,
        request: web.Request,
        handler: Handler,
    ) -> web.StreamResponse:
        if self.faults.requests is not None:
            self.faults.requests.append(f"{request.method} {request.path_qs}")
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        return await handler(request)

    # -- routing --------------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path.rstrip("/") or "/"
        accept = request.headers.get("Accept", "")
        kinds = self.registry.kinds
        served = kinds.resources()
        if path == "/version":
            return json_response(discovery.version_info())
        if path in ("/healthz", "/livez", "/readyz"):
            return web.Response(text="ok")
        if path in ("/api", "/apis"):
            if "as=APIGroupDiscoveryList" in accept:
                body = discovery.aggregated_discovery(served, core=path == "/api")
                return web.Response(
                    body=orjson.dumps(body),
                    headers={"Content-Type": discovery.AGGREGATED_CONTENT_TYPE},
                )
            if path == "/api":
                return json_response(discovery.api_versions(f"127.0.0.1:{self.port}"))
            return json_response(discovery.api_group_list(served))
        if path == "/openapi/v3":
            return web.Response(
                body=discovery.openapi_root(served), content_type="application/json"
            )
        if path.startswith("/openapi/v3/"):
            gv = path.removeprefix("/openapi/v3/").split("/")
            group, version = (
                (gv[1], gv[2])
                if gv[0] == "apis" and len(gv) == 3
                else (("", gv[1]) if gv[0] == "api" and len(gv) == 2 else ("?", "?"))
            )
            document = discovery.openapi_group_version(served, group, version)
            if document is not None:
                return web.Response(body=document, content_type="application/json")
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) == 2 or parts[0] == "apis" and len(parts) == 3:
            group, version = ("", parts[1]) if parts[0] == "api" else (parts[1], parts[2])
            listing = discovery.api_resource_list(served, group, version)
            if listing is not None:
                return json_response(listing)
        if parts[0] in ("api", "apis") and len(parts) > 2:
            resource_path = parse_resource_path(path, kinds.find)
            if resource_path.resource.group in REVIEW_GROUPS:
                return await self._review(request, resource_path)
            return await self.handlers.handle(request, resource_path)
        raise APIError(404, "NotFound", "the server could not find the requested resource")

    async def _review(self, request: web.Request, path: ResourcePath) -> web.Response:
        """A review is created and answered at once; there is nothing to read or name."""
        if path.name is not None or path.namespace is not None:
            raise APIError(404, "NotFound", "the server could not find the requested resource")
        if request.method != "POST":
            raise method_not_allowed(request.method)
        rt = path.resource
        answer = answer_review(
            self.authorizer,
            request[_USER],
            rt.group,
            rt.kind,
            rt.group_version,
            await read_body(request),
        )
        return json_response(answer, 201)
