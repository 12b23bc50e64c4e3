"""`pods/NAME/exec` and `pods/NAME/attach` over SPDY/3.1: kubectl before 1.30, and later ones
when a WebSocket cannot be had (or with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false).

Followed sources: kubelet pkg/kubelet/cri/streaming/remotecommand/httpstream.go (protocol
v4.channel.k8s.io: the client opens a stream per channel, header `streamType` error, stdin,
stdout, stderr (none with a TTY) and resize (with one); the server waits, bounded, until all it
expects are open, then runs the command; the final metav1.Status goes on the error stream, which
is then closed) and client-go tools/remotecommand/v4.go. kubectl offers v5, v4, v3, v2 and v1
and takes whichever the server picks (httpstream.Handshake: the first of the client's that the
server accepts); the demo accepts v4 only, which every kubectl since 1.5 offers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

from k9lite.demo.remote_channels import CLOSE, ERROR, STDERR, STDIN, STDOUT, Link
from k9lite.demo.spdy import Session, Stream
from k9lite.demo.spdy_upgrade import Write, negotiate, serve_upgraded

__all__ = ["PROTOCOL", "STREAM_TIMEOUT", "serve_spdy"]

PROTOCOL = "v4.channel.k8s.io"
STREAM_TIMEOUT = 30.0
"""Seconds the server waits for the client's streams (the kubelet's stream creation timeout)."""
_STREAMS = {STDIN: "stdin", STDOUT: "stdout", STDERR: "stderr", ERROR: "error"}


class _SpdyLink:
    """The channels over a SPDY session's streams."""

    close_signal = True  # the end of the stdin stream (FIN) is the client's word

    def __init__(self, session: Session, streams: dict[str, Stream]) -> None:
        self.session = session
        self.streams = streams

    async def send(self, channel: int, data: bytes) -> None:
        stream = self.streams.get(_STREAMS.get(channel, ""))
        if stream is not None:
            stream.write(data)

    async def received(self) -> AsyncIterator[tuple[int, bytes]]:
        stdin = self.streams.get("stdin")
        if stdin is not None:
            while chunk := await stdin.read():
                yield STDIN, chunk
            yield CLOSE, bytes([STDIN])
        # Resizes are not read: the demo's programs draw nothing that depends on the size.
        await self.session.ended.wait()

    async def close(self) -> None:
        for stream in self.streams.values():
            stream.close()
        self.session.close()


async def serve_spdy(
    request: web.Request, wanted: frozenset[str], run: Callable[[Link], Awaitable[None]]
) -> web.StreamResponse:
    """Upgrade to SPDY/3.1, wait for the `wanted` streams, then `run` on their channels."""
    protocol = negotiate(request, (PROTOCOL,))
    streams: dict[str, Stream] = {}
    complete = asyncio.Event()

    def opened(stream: Stream) -> None:
        kind = stream.headers.get("streamtype", "")
        if kind not in wanted or kind in streams:
            stream.reset()
            return
        session.reply(stream)
        streams[kind] = stream
        if len(streams) == len(wanted):
            complete.set()

    session = Session(opened)

    async def work(write: Write) -> None:
        writer = asyncio.ensure_future(session.drain_to(write))
        waits = {
            asyncio.ensure_future(complete.wait()),
            asyncio.ensure_future(session.ended.wait()),
        }
        try:
            await asyncio.wait(waits, timeout=STREAM_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
            if complete.is_set() and not session.closed:
                await run(_SpdyLink(session, streams))
        finally:
            for wait in waits:
                wait.cancel()
            session.close()
            await writer

    return await serve_upgraded(request, protocol, session, work)
