"""A kube-proxy rule's connections: each goes to a random ready endpoint, chosen when it opens.

A connection to one of the data plane's own pods is handed to the pod's server as it is, as
kube-proxy's DNAT hands the packets to the pod: no second socket and no copy through a proxy,
whose two extra hops a request made the forwarder, not the pods, the data plane's ceiling
(bench/probe_rate.py: ~20,000 requests a second kept alive through a NodePort where one pod
answered ~30,000). A connection to another loopback endpoint (a server outside the demo) is
spliced to a socket dialled to it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, cast

from k9lite.demo.tasks import observe

if TYPE_CHECKING:
    from k9lite.demo.dataplane import DataPlane, Listener

__all__ = ["Forwarder"]

_CONNECT_TIMEOUT = 3.0
_MASQUERADE = "127.0.0.1"
"""Where a pod sees NodePort, load-balancer and off-pod ClusterIP connections come from: the
address the forwarder's own connections to pods had (kube-proxy masquerades those)."""


class Forwarder(asyncio.Protocol):
    """One accepted connection: handed to the pod server it reaches, or spliced to a socket."""

    def __init__(self, plane: DataPlane, listener: Listener) -> None:
        self.plane = plane
        self.listener = listener
        self.transport: asyncio.Transport | None = None
        self.peer: asyncio.Transport | None = None
        # Which directions have ended; once both have, the pair of sockets is closed.
        self.client_done = False
        self.pod_done = False
        # What the client sent before the pod's connection opened (reading is paused then, but a
        # loop may hand over what it had already read).
        self.early: list[bytes] = []
        self.connecting: asyncio.Task[None] | None = None
        """Dialling the endpoint outside the demo (a spliced connection only)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream transport (uvloop's does not subclass asyncio.Transport, so no isinstance).
        self.transport = cast(asyncio.Transport, transport)
        target = self.plane.pick(self.listener)
        if target is None:
            self.transport.abort()
            return
        client = self.transport.get_extra_info("peername")
        source = (
            client[0]
            if self.listener.keeps_source
            and self.plane.loopback_range
            and client
            and self.plane.addresses.in_pod_network(client[0])
            else None
        )
        pod = self.plane.served_at(target)
        if pod is not None:
            server, port = pod
            protocol = server.protocol(port, client=source or _MASQUERADE)()
            self.transport.set_protocol(protocol)
            protocol.connection_made(self.transport)
            return
        self.transport.pause_reading()
        self.plane.spliced.add(self)
        connect = self._connect(target, source)
        self.connecting = observe(asyncio.get_running_loop().create_task(connect), "a connection")

    async def _connect(self, target: tuple[str, int], source: str | None) -> None:
        host, port = target
        loop = asyncio.get_running_loop()
        local = (source, 0) if source else None
        assert self.transport is not None
        try:
            peer, _ = await asyncio.wait_for(
                loop.create_connection(lambda: _Upstream(self), host, port, local_addr=local),
                _CONNECT_TIMEOUT,
            )
        except (OSError, asyncio.TimeoutError):
            self.transport.abort()
            return
        if self.transport.is_closing():
            peer.close()
            return
        self.peer = peer
        peer.writelines(self.early)
        self.early.clear()
        if self.client_done:
            peer.write_eof()
        self.transport.resume_reading()

    def data_received(self, data: bytes) -> None:
        if self.peer is not None:
            self.peer.write(data)
        else:
            self.early.append(data)

    def eof_received(self) -> bool:
        self.client_done = True
        if self.peer is not None and not self.peer.is_closing():
            self.peer.write_eof()
        return self.finish_if_done()

    def connection_lost(self, exc: Exception | None) -> None:
        self.close()

    def finish_if_done(self) -> bool:
        """Close both sockets once both directions have ended; True keeps a half-open side."""
        if self.client_done and self.pod_done:
            self.close()
            return False
        return True

    def close(self) -> None:
        self.plane.spliced.discard(self)
        for transport in (self.transport, self.peer):
            if transport is not None and not transport.is_closing():
                transport.close()


async def close_spliced(spliced: set[Forwarder]) -> None:
    """Close every spliced connection (a dial under way is cancelled) and let their transports
    close their sockets before the loop goes."""
    connecting = [f.connecting for f in spliced if f.connecting is not None]
    for task in connecting:
        task.cancel()
    await asyncio.gather(*connecting, return_exceptions=True)
    for forwarder in list(spliced):
        forwarder.close()
    # A transport closes its socket on the loop's next turn (its connection_lost callback).
    await asyncio.sleep(0)


class _Upstream(asyncio.Protocol):
    """The forwarder's connection to the pod: what the pod says goes back to the client."""

    def __init__(self, client: Forwarder) -> None:
        self.client = client

    def data_received(self, data: bytes) -> None:
        if self.client.transport is not None:
            self.client.transport.write(data)

    def eof_received(self) -> bool:
        self.client.pod_done = True
        transport = self.client.transport
        if transport is not None and not transport.is_closing():
            transport.write_eof()
        return self.client.finish_if_done()

    def connection_lost(self, exc: Exception | None) -> None:
        self.client.close()
