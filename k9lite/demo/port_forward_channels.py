"""Port-forward over WebSocket channels (`v4.channel.k8s.io`), as the Python client speaks it.

The kubelet's pkg/kubelet/cri/streaming/portforward/websocket.go: port number i of the request
gets channel 2i for data and 2i+1 for errors; each message is the channel byte then the payload,
and the server opens every channel with the port as two little-endian bytes. The client cannot
half-close a channel, so the WebSocket closes once every pod connection has ended.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiohttp import WSMsgType, web

from k9lite.demo.errors import bad_request
from k9lite.demo.pod_ports import READ_SIZE, ForwardError, PodPorts, pump

__all__ = ["CHANNEL_PROTOCOL", "channel_ports", "serve_channels"]

CHANNEL_PROTOCOL = "v4.channel.k8s.io"


def channel_ports(values: list[str]) -> list[int]:
    """The `ports` query values (each may be comma-separated), checked as the kubelet does."""
    ports: list[int] = []
    for value in values:
        for text in value.split(","):
            try:
                port = int(text)
            except ValueError:
                raise bad_request(f'unable to parse "{text}" as a port') from None
            if not 0 < port < 65536:
                raise bad_request(f'port "{text}" must be > 0 and < 65536')
            ports.append(port)
    if not ports:
        raise bad_request('query parameter "port" is required')
    return ports


async def serve_channels(ws: web.WebSocketResponse, pod: PodPorts, ports: list[int]) -> None:
    """Forward one pod connection per requested port until all have ended or the client goes."""
    readers: dict[int, asyncio.StreamReader] = {}
    writers: dict[int, asyncio.StreamWriter] = {}
    failures: dict[int, str] = {}
    for index, port in enumerate(ports):
        try:
            readers[2 * index], writers[2 * index] = await pod.connect(port)
        except ForwardError as failure:
            failures[2 * index + 1] = str(failure)
    tasks: list[asyncio.Task[None]] = []
    try:
        for index, port in enumerate(ports):
            for channel in (2 * index, 2 * index + 1):
                await ws.send_bytes(bytes([channel]) + port.to_bytes(2, "little"))
        for channel, text in failures.items():
            await ws.send_bytes(bytes([channel]) + text.encode())
        forwards = [asyncio.create_task(_from_pod(ws, c, r)) for c, r in readers.items()]
        tasks = [*forwards, asyncio.create_task(_to_pods(ws, writers))]
        if forwards:
            either: list[asyncio.Future[Any]] = [tasks[-1], asyncio.gather(*forwards)]
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    except ConnectionError:
        pass  # the client went away before its channels were opened
    finally:
        for task in tasks:
            task.cancel()
        for writer in writers.values():
            writer.close()
        await ws.close()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _from_pod(ws: web.WebSocketResponse, channel: int, reader: asyncio.StreamReader) -> None:
    prefix = bytes([channel])

    async def send(chunk: bytes) -> None:
        await ws.send_bytes(prefix + chunk)

    # At the end nothing is sent: the client learns of it when the WebSocket closes.
    with contextlib.suppress(ConnectionError):
        await pump(lambda: reader.read(READ_SIZE), send)


async def _to_pods(ws: web.WebSocketResponse, writers: dict[int, asyncio.StreamWriter]) -> None:
    async for message in ws:
        if message.type != WSMsgType.BINARY or not message.data:
            continue
        writer = writers.get(message.data[0])
        if writer is not None and not writer.is_closing():
            writer.write(message.data[1:])
            with contextlib.suppress(ConnectionError):
                await writer.drain()
