"""kubectl's port-forward over SPDY/3.1: streams paired by requestID, each pair one connection.

Each forwarded connection is an error stream and a data stream with headers `streamType`,
`port` and `requestID`, paired as the kubelet's pkg/kubelet/cri/streaming/portforward/
httpstream.go pairs them. The session runs tunnelled in WebSocket binary messages (kubectl
1.31+, subprotocol `SPDY/3.1+portforward.k8s.io`) or over the connection upgraded to SPDY/3.1.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from aiohttp import WSMsgType, web

from k9lite.demo.pod_ports import READ_SIZE, ForwardError, PodPorts, pump
from k9lite.demo.spdy import ProtocolError, Session, Stream
from k9lite.demo.spdy_upgrade import negotiate, serve_upgraded
from k9lite.demo.tasks import observe

__all__ = ["PROTOCOL", "TUNNEL_PROTOCOL", "tunnel", "upgrade"]

PROTOCOL = "portforward.k8s.io"
TUNNEL_PROTOCOL = f"SPDY/3.1+{PROTOCOL}"


class _Streams:
    """A SPDY session's streams paired by requestID, each pair forwarded to the pod."""

    def __init__(self, pod: PodPorts) -> None:
        self.pod = pod
        self.session = Session(self.received)
        self.pending: dict[str, dict[str, Stream]] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def received(self, stream: Stream) -> None:
        kind, port = stream.headers.get("streamtype", ""), stream.headers.get("port", "")
        request_id = stream.headers.get("requestid", "")
        if kind not in ("error", "data") or not port.isdigit() or not 0 < int(port) < 65536:
            stream.reset()
            return
        self.session.reply(stream)
        pair = self.pending.setdefault(request_id, {})
        pair[kind] = stream
        if len(pair) == 2:
            del self.pending[request_id]
            task = asyncio.create_task(self.forward(int(port), pair["data"], pair["error"]))
            self.tasks.add(observe(task, f"port-forward to {self.pod.name}:{port}"))
            task.add_done_callback(self.tasks.discard)

    async def forward(self, port: int, data: Stream, error: Stream) -> None:
        try:
            reader, writer = await self.pod.connect(port)
        except ForwardError as failure:
            error.write(str(failure).encode())
        else:
            await _splice(reader, writer, data)
        finally:
            data.close()
            error.close()
            for stream in (data, error):
                self.session.forget(stream)

    async def run(self, write: Callable[[bytes], Awaitable[None]]) -> None:
        """Write the session's frames until it ends, then stop its forwards."""
        try:
            await self.session.drain_to(write)
        finally:
            for task in list(self.tasks):
                task.cancel()


async def _splice(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, stream: Stream
) -> None:
    """Both directions between a pod connection and a data stream, each half-closed in turn."""

    async def to_pod(chunk: bytes) -> None:
        writer.write(chunk)
        await writer.drain()

    async def upstream() -> None:
        await pump(stream.read, to_pod)
        if not writer.is_closing() and writer.can_write_eof():
            writer.write_eof()

    async def to_client(chunk: bytes) -> None:
        stream.write(chunk)

    async def downstream() -> None:
        await pump(lambda: reader.read(READ_SIZE), to_client)
        stream.close()

    try:
        await asyncio.gather(upstream(), downstream())
    except ConnectionError:
        stream.reset()
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def tunnel(ws: web.WebSocketResponse, pod: PodPorts) -> None:
    """SPDY frames inside binary WebSocket messages (client-go's TunnelingConnection)."""
    streams = _Streams(pod)
    writer = asyncio.create_task(streams.run(ws.send_bytes))
    try:
        async for message in ws:
            if message.type == WSMsgType.BINARY:
                streams.session.feed(message.data)
    except ProtocolError:
        await ws.close()
    finally:
        streams.session.close()
        await writer


async def upgrade(request: web.Request, pod: PodPorts) -> web.StreamResponse:
    """The direct `Upgrade: SPDY/3.1` of older kubectl."""
    streams = _Streams(pod)
    protocol = negotiate(request, (PROTOCOL,))
    return await serve_upgraded(request, protocol, streams.session, streams.run)
