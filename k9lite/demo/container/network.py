"""The cluster as a pod sees it: cluster DNS names and HTTP over the demo's data plane.

DNS follows the cluster DNS specification (kubernetes/dns docs/specification.md): a Service
`svc.ns.svc.cluster.local` answers its ClusterIP, a headless one the ready addresses of its
endpoints, an ExternalName one a CNAME to its externalName; a pod's resolv.conf searches
`NS.svc.cluster.local svc.cluster.local cluster.local` with `ndots:5`. HTTP is dialled through
DataPlane.resolve, so a ClusterIP reaches the kube-proxy-like listener and spreads as any client's
connection does; only loopback addresses are ever dialled.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from k9lite.demo.dataplane import DataPlane
from k9lite.demo.registry import resource
from k9lite.demo.store import Store

__all__ = ["Answer", "ClusterNetwork", "Reply", "Unreachable"]

DOMAIN = "cluster.local"
_NDOTS = 5


@dataclass(frozen=True, slots=True)
class Answer:
    """What a name resolves to: addresses, or a canonical name outside the cluster."""

    name: str
    addresses: tuple[str, ...]
    cname: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    reason: str
    body: bytes


class Unreachable(Exception):
    """An HTTP request that got no answer; `kind` is resolve, connect or timeout."""

    def __init__(self, kind: str, host: str, port: int, address: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.host = host
        self.port = port
        self.address = address
        """The address dialled, once the name resolved."""


class ClusterNetwork:
    """DNS and HTTP for processes in one namespace's pods."""

    def __init__(
        self, store: Store, dataplane: DataPlane | None, namespace: str, *, dns_server: str
    ) -> None:
        self.store = store
        self.dataplane = dataplane
        self.namespace = namespace
        self.dns_server = dns_server
        """The cluster DNS address in the pods' resolv.conf (the cluster's AddressBlock's)."""

    @property
    def search(self) -> tuple[str, ...]:
        return (f"{self.namespace}.svc.{DOMAIN}", f"svc.{DOMAIN}", DOMAIN)

    def resolv_conf(self) -> str:
        search = " ".join(self.search)
        return f"search {search}\nnameserver {self.dns_server}\noptions ndots:{_NDOTS}\n"

    def lookup(self, name: str) -> Answer | None:
        """The answer for `name` as the pod's resolver finds it; None when no name matches."""
        try:
            return Answer(name, (str(ipaddress.ip_address(name)),))
        except ValueError:
            pass
        absolute = name.endswith(".")
        name = name.rstrip(".").lower()
        searched = [] if absolute or name.count(".") >= _NDOTS else list(self.search)
        for candidate in [f"{name}.{domain}" for domain in searched] + [name]:
            answer = self._service(candidate)
            if answer is not None:
                return answer
        return None

    def _service(self, fqdn: str) -> Answer | None:
        suffix = f".svc.{DOMAIN}"
        if not fqdn.endswith(suffix):
            return None
        labels = fqdn.removesuffix(suffix).split(".")
        if len(labels) != 2:
            return None
        name, namespace = labels
        svc = self.store.find(resource("Service"), namespace, name)
        if svc is None:
            return None
        spec: dict[str, Any] = svc.get("spec") or {}
        if spec.get("type") == "ExternalName":
            return Answer(fqdn, (), spec.get("externalName", ""))
        if spec.get("clusterIP") in (None, "", "None"):
            return Answer(fqdn, self._endpoint_addresses(namespace, name))
        return Answer(fqdn, (spec["clusterIP"],))

    def _endpoint_addresses(self, namespace: str, service: str) -> tuple[str, ...]:
        """A headless Service's A records: the ready addresses of its EndpointSlices."""
        found: list[str] = []
        slices = self.store.select(
            resource("EndpointSlice"), namespace, {"kubernetes.io/service-name": service}
        )
        for slice_ in slices:
            for endpoint in slice_.get("endpoints") or ():
                if (endpoint.get("conditions") or {}).get("ready") is not False:
                    found.extend(a for a in endpoint.get("addresses", ()) if a not in found)
        return tuple(found)

    async def get(self, url: str, timeout: float, *, agent: str, source: str = "") -> Reply:
        """GET `url` (http only) from inside the pod, as `agent` (the User-Agent), from the
        pod's address `source` where the data plane can bind it; Unreachable when nothing
        answers."""
        parts = urlsplit(url if "://" in url else f"http://{url}")
        host = parts.hostname or ""
        try:
            port = parts.port or 80
        except ValueError:
            raise Unreachable("resolve", host, 0) from None
        if parts.scheme != "http":
            raise Unreachable("protocol", parts.scheme, port)
        answer = self.lookup(host)
        if answer is None or not answer.addresses:
            raise Unreachable("resolve", host, port)
        address = answer.addresses[0]
        plane = self.dataplane
        target = plane.resolve(address, port) if plane is not None else None
        if plane is None or target is None:
            # Only loopback is dialled: anything else is out of the demo's reach.
            raise Unreachable("timeout", host, port, address)
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        headers = {"Host": parts.netloc, "User-Agent": agent, "Accept": "*/*"}
        dialled = f"http://{_host_literal(target[0])}:{target[1]}{path}"
        # The server sees the pod's address, as on a cluster network (where it can be bound).
        local = (source, 0) if source and plane.loopback_range else None
        try:
            async with (
                aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(force_close=True, local_addr=local),
                    timeout=aiohttp.ClientTimeout(total=timeout),
                ) as session,
                session.get(dialled, headers=headers, allow_redirects=False) as response,
            ):
                return Reply(response.status, response.reason or "", await response.read())
        except asyncio.TimeoutError:
            raise Unreachable("timeout", host, port, address) from None
        except aiohttp.ClientConnectionError as exc:
            raise Unreachable("connect", host, port, address) from exc


def _host_literal(address: str) -> str:
    return f"[{address}]" if ":" in address else address
