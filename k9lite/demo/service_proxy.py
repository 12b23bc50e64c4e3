"""The API server's service proxy: one request forwarded to a random ready endpoint.

`/api/v1/namespaces/NS/services/[scheme:]NAME[:PORT]/proxy/PATH`, as kube-apiserver serves it:
it reads the v1 Endpoints, picks a ready address per request, and answers 503 when there is none.
"""

from __future__ import annotations

import asyncio
import random

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from k9lite.demo.dataplane import DataPlane
from k9lite.demo.errors import APIError
from k9lite.demo.registry import resource
from k9lite.demo.requests import ResourcePath
from k9lite.demo.store import Store

__all__ = ["ServiceProxy"]

_PROXY_TIMEOUT = ClientTimeout(total=10)


class ServiceProxy:
    """Forwards requests to Services' endpoints through the demo's data plane."""

    def __init__(self, store: Store, dataplane: DataPlane | None) -> None:
        self.store = store
        self.dataplane = dataplane
        self.rng = random.Random()
        self._session: ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def forward(self, request: web.BaseRequest, path: ResourcePath) -> web.Response:
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


def _split_proxy_name(raw: str) -> tuple[str, str, str]:
    """`[scheme:]name[:port]` as the proxy path spells a Service."""
    parts = raw.split(":")
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return "", raw, ""
