"""The demo cluster's data plane: real sockets behind pod IPs, ClusterIPs, NodePorts and LB IPs.

Each running pod serves the tutorial image's page (`<p>Hello,  POD-NAME</p>`) on its container
ports. Like kube-proxy, a listener on a ClusterIP:port, on every node's address:nodePort and on a
load balancer's IP:port forwards each TCP *connection* to a random ready endpoint, so a client that
keeps its connection alive keeps reaching the same pod. Only loopback addresses are ever dialled.

The connections themselves are forwarder.py's: handed to one of these pods' servers, or spliced
to a socket dialled to another loopback endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import ipaddress
import logging
import random
import socket
from collections.abc import Callable
from dataclasses import dataclass

from k9lite.demo.address_plan import AddressBlock
from k9lite.demo.container.hello import HelloServer
from k9lite.demo.controllers.pod_status import internal_ip
from k9lite.demo.forwarder import Forwarder, close_spliced
from k9lite.demo.listen import DroppingPort, bound_socket
from k9lite.demo.pod_logs import PodLogs
from k9lite.demo.registry import resource
from k9lite.demo.store import Store

__all__ = ["DataPlane", "Listener"]

log = logging.getLogger(__name__)

_PAGE = """<!DOCTYPE html>
<html>
<head><title>Hostname</title></head>
<body>
<h1>k9lite demo pod</h1>
<p>Hello,  {name}</p>
</body>
</html>
"""


@dataclass(frozen=True, slots=True)
class Listener:
    """One kube-proxy rule: connections to (host, port) go to a Service port's endpoints."""

    host: str
    port: int
    namespace: str
    service: str
    port_name: str
    # The node whose address this is; under externalTrafficPolicy Local it serves its own pods.
    node: str | None
    # A ClusterIP: a pod's connection keeps its source address (kube-proxy masquerades
    # NodePort and load-balancer traffic, not pod-to-ClusterIP).
    keeps_source: bool = False
    # Local policy, no local endpoint: kube-proxy DROPs (the client times out).
    drops: bool = False


class DataPlane:
    """Pod web servers and kube-proxy-like TCP forwarders, kept in line with the store."""

    def __init__(
        self,
        store: Store,
        pod_logs: PodLogs,
        *,
        rng: random.Random | None = None,
        loopback_range: bool = True,
        addresses: AddressBlock | None = None,
    ) -> None:
        self.store = store
        self.addresses = addresses or AddressBlock()
        self.pod_logs = pod_logs
        self.rng = rng or random.Random()
        self.loopback_range = loopback_range
        self._pod_servers: dict[tuple[str, str], tuple[HelloServer, list[asyncio.Server]]] = {}
        self._pod_ips: dict[tuple[str, str], str] = {}
        self._pod_ports: dict[tuple[str, str], list[int]] = {}
        self._backends: dict[tuple[str, int], tuple[str, int]] = {}
        # The pod server behind a backend socket, and its container port: served in process.
        self._served_at: dict[tuple[str, int], tuple[HelloServer, int]] = {}
        self._listeners: dict[Listener, asyncio.Server | DroppingPort] = {}
        # Addresses whose wanted port could not be bound, and where they listen instead.
        self.port_mappings: dict[tuple[str, int], tuple[str, int]] = {}
        self._sync_lock = asyncio.Lock()
        # The connections spliced to endpoints outside the demo: closed with the data plane, as
        # its sockets go with a node (left to the collector, an open socket is a leak).
        self.spliced: set[Forwarder] = set()
        self._closed = False

    # -- pods -----------------------------------------------------------------------------------

    async def start_pod(self, key: tuple[str, str], name: str, ip: str, ports: list[int]) -> None:
        """Serve the Hello page for pod `name` at ip:port for each container port; each
        answer is a line of the pod's log."""
        await self.stop_pod(key)
        page = _PAGE.format(name=html.escape(name)).encode()
        handler = HelloServer(page, functools.partial(self.pod_logs.access, key))
        servers: list[asyncio.Server] = []
        self._pod_ips[key] = ip
        self._pod_ports[key] = list(ports)
        self._pod_servers[key] = (handler, servers)
        for port in ports:
            server = await self._bind(handler.protocol(port), ip, port)
            servers.append(server)
            bound = server.sockets[0].getsockname()
            self._backends[(ip, port)] = (bound[0], bound[1])
            self._served_at[(bound[0], bound[1])] = (handler, port)

    async def stop_pod(self, key: tuple[str, str]) -> None:
        """Stop the pod's servers, closing kept-alive connections too, as a killed container."""
        ip = self._pod_ips.pop(key, "")
        for port in self._pod_ports.pop(key, ()):
            self._served_at.pop(self._backends.pop((ip, port), ("", 0)), None)
            self.port_mappings.pop((ip, port), None)
        if key not in self._pod_servers:
            return
        handler, servers = self._pod_servers.pop(key)
        for server in servers:
            server.close()
        handler.close()

    def pick(self, listener: Listener) -> tuple[str, int] | None:
        """The socket of a random ready endpoint of the listener's rule; None when none is."""
        li = listener
        endpoints = self.ready_endpoints(li.namespace, li.service, li.port_name, li.node)
        targets = [t for t in (self.resolve(*e) for e in endpoints) if t is not None]
        return self.rng.choice(targets) if targets else None

    def served_at(self, target: tuple[str, int]) -> tuple[HelloServer, int] | None:
        """The pod server (and its container port) of this data plane behind a socket."""
        return self._served_at.get(target)

    def resolve(self, address: str, port: int) -> tuple[str, int] | None:
        """The socket to dial for an endpoint address:port; None for a non-loopback address."""
        if (address, port) in self._backends:
            return self._backends[(address, port)]
        try:
            loopback = ipaddress.ip_address(address).is_loopback
        except ValueError:
            return None
        if not loopback:
            return None
        return self.port_mappings.get((address, port), (address, port))

    # -- services -------------------------------------------------------------------------------

    def ready_endpoints(
        self, namespace: str, service: str, port_name: str, node: str | None = None
    ) -> list[tuple[str, int]]:
        """Ready endpoint address:port pairs of a Service port, from its EndpointSlices."""
        found: list[tuple[str, int]] = []
        slices = self.store.select(
            resource("EndpointSlice"), namespace, {"kubernetes.io/service-name": service}
        )
        for slice_ in slices:
            port = next(
                (
                    p.get("port")
                    for p in slice_.get("ports") or ()
                    if (p.get("name") or "") == port_name
                ),
                None,
            )
            if port is None:
                continue
            for endpoint in slice_.get("endpoints") or ():
                if (endpoint.get("conditions") or {}).get("ready") is False:
                    continue
                if node is not None and endpoint.get("nodeName") != node:
                    continue
                found.extend((address, port) for address in endpoint.get("addresses", ()))
        return found

    def wanted_listeners(self) -> set[Listener]:
        """The listeners the Services call for now; a rule with no endpoint refuses connections,
        a Local NodePort on a node without one of the endpoints drops them."""
        nodes = [(n["metadata"]["name"], internal_ip(n)) for n in self.store.iter(resource("Node"))]
        wanted: set[Listener] = set()
        for svc in self.store.iter(resource("Service")):
            spec, meta = svc.get("spec", {}), svc["metadata"]
            local = spec.get("externalTrafficPolicy") == "Local"
            for port in spec.get("ports") or ():
                if port.get("protocol", "TCP") != "TCP":
                    continue
                name = port.get("name") or ""
                rule = (meta["namespace"], meta["name"], name)
                if not self._served(self.ready_endpoints(*rule)):
                    continue
                cluster_ip = spec.get("clusterIP")
                if cluster_ip and cluster_ip != "None":
                    wanted.add(Listener(cluster_ip, port["port"], *rule, None, True))
                if port.get("nodePort"):
                    for node, address in nodes:
                        if address:
                            drops = local and not self._served(self.ready_endpoints(*rule, node))
                            wanted.add(
                                Listener(
                                    address,
                                    port["nodePort"],
                                    *rule,
                                    node if local else None,
                                    drops=drops,
                                )
                            )
                for ingress in svc.get("status", {}).get("loadBalancer", {}).get("ingress", ()):
                    if ingress.get("ip"):
                        wanted.add(Listener(ingress["ip"], port["port"], *rule, None))
        return wanted

    def _served(self, endpoints: list[tuple[str, int]]) -> bool:
        """Whether any endpoint is a pod this data plane runs, or another loopback address.

        Pods made by `--scale` run no server, so their Services get no listeners either.
        """
        running = set(self._pod_ips.values())
        for address, _ in endpoints:
            if address in running:
                return True
            with contextlib.suppress(ValueError):
                ip = ipaddress.ip_address(address)
                if ip.is_loopback and ip not in self.addresses.pod_network:
                    return True
        return False

    async def sync(self) -> None:
        """Open the listeners the Services call for and close the others."""
        async with self._sync_lock:
            if self._closed:
                return
            wanted = self.wanted_listeners()
            for listener in set(self._listeners) - wanted:
                server = self._listeners.pop(listener)
                server.close()
                self.port_mappings.pop((listener.host, listener.port), None)
            for listener in wanted - set(self._listeners):
                try:
                    server = await self._open(listener)
                except OSError as exc:
                    log.warning(
                        "cannot listen on %s:%s for %s/%s: %s",
                        listener.host,
                        listener.port,
                        listener.namespace,
                        listener.service,
                        exc,
                    )
                    continue
                self._listeners[listener] = server

    async def _open(self, listener: Listener) -> asyncio.Server | DroppingPort:
        if listener.drops:
            return DroppingPort(self._socket(listener.host, listener.port))
        return await self._bind(
            functools.partial(Forwarder, self, listener), listener.host, listener.port
        )

    def listeners(self) -> list[Listener]:
        return sorted(self._listeners, key=lambda li: (li.host, li.port))

    async def close(self) -> None:
        # Under the sync lock: a sync half-way through binding would leave listeners behind.
        async with self._sync_lock:
            self._closed = True
            for server in self._listeners.values():
                server.close()
            self._listeners.clear()
        for key in list(self._pod_servers):
            await self.stop_pod(key)
        await close_spliced(self.spliced)

    # -- sockets --------------------------------------------------------------------------------

    def _socket(self, host: str, port: int) -> socket.socket:
        return bound_socket(
            host, port, loopback_range=self.loopback_range, mappings=self.port_mappings
        )

    async def _bind(
        self, factory: Callable[[], asyncio.BaseProtocol], host: str, port: int
    ) -> asyncio.Server:
        """Listen on host:port; a privileged port, or a host that cannot be bound, is mapped."""
        loop = asyncio.get_running_loop()
        return await loop.create_server(factory, sock=self._socket(host, port))
