"""`pods/NAME/exec` and `pods/NAME/attach` over the WebSocket remote-command protocol (and over
SPDY/3.1 for older kubectl: remote_command_spdy.py).

Followed sources: k8s.io/apimachinery pkg/util/remotecommand/constants.go (the subprotocols
`v5.channel.k8s.io`, which kubectl 1.30+ asks for, and `v4.channel.k8s.io`, the Python client's;
channels 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; v5's close signal on channel 255, whose
payload names the channel the client is done writing); kubelet pkg/kubelet/cri/streaming/
remotecommand websocket.go (an empty frame on the lowest writable channel once the connection is
open; with a TTY, stderr is off and the terminal carries everything) and httpstream.go (the v4
error channel: a metav1.Status, Success, or Failure with reason NonZeroExitCode and a cause
ExitCode, or an InternalError for a command that could not start); kube-apiserver
pkg/registry/core/pod/strategy.go streamLocation (404 for a missing pod; a container name is
required when the pod has several; a pod with no node is refused) and the 1.30+ stream translator
(a container that does not run is an InternalError status after the upgrade).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import WSMsgType, hdrs, web

from k9lite.demo.container.processes import MainProcesses
from k9lite.demo.container.shell import ShellIO
from k9lite.demo.container.streams import Input
from k9lite.demo.container.terminal import LineDiscipline, onlcr
from k9lite.demo.errors import APIError, bad_request
from k9lite.demo.query_params import flag
from k9lite.demo.registry import resource
from k9lite.demo.remote_channels import CLOSE, ERROR, STDERR, STDIN, STDOUT, Link
from k9lite.demo.remote_command_spdy import serve_spdy
from k9lite.demo.store import Store

__all__ = ["PROTOCOLS", "serve_attach", "serve_exec"]

V5 = "v5.channel.k8s.io"
V4 = "v4.channel.k8s.io"
PROTOCOLS = (V5, V4)
# Channel 4 carries resizes: the demo's programs draw nothing that depends on the size.


@dataclass(frozen=True, slots=True)
class ExecOptions:
    """PodExecOptions from the query."""

    command: tuple[str, ...]
    container: str
    stdin: bool
    stdout: bool
    stderr: bool
    tty: bool

    def streams(self) -> frozenset[str]:
        """The SPDY streams a client opens for these options (client-go's v4 streams; as the
        kubelet's NewOptions, stderr is bypassed under a TTY)."""
        names = {"error"}
        if self.stdin:
            names.add("stdin")
        if self.stdout:
            names.add("stdout")
        if self.tty:
            names.add("resize")
        elif self.stderr:
            names.add("stderr")
        return frozenset(names)

    @classmethod
    def from_query(cls, query: Any) -> ExecOptions:
        flags = {name: flag(query, name) for name in ("stdin", "stdout", "stderr", "tty")}
        return cls(tuple(query.getall("command", ())), query.get("container", ""), **flags)


def _container(pod: dict[str, Any], name: str, wanted: str) -> dict[str, Any]:
    """The container an exec goes to, as streamLocation picks it."""
    containers: list[dict[str, Any]] = pod["spec"].get("containers") or []
    names = [c["name"] for c in containers]
    if not wanted:
        if len(containers) != 1:
            message = f"a container name must be specified for pod {name}"
            if containers:
                message += f", choose one of: [{' '.join(names)}]"
                init = [c["name"] for c in pod["spec"].get("initContainers") or ()]
                if init:
                    message += f" or one of the init containers: [{' '.join(init)}]"
            raise bad_request(message)
        return containers[0]
    found = next((c for c in containers if c["name"] == wanted), None)
    if found is None:
        raise bad_request(f"container {wanted} is not valid for pod {name}")
    return found


def _running(pod: dict[str, Any], container: str) -> bool:
    statuses = (pod.get("status") or {}).get("containerStatuses") or ()
    return any(s["name"] == container and "running" in (s.get("state") or {}) for s in statuses)


def _status(code: int, argv: tuple[str, ...]) -> dict[str, Any]:
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    return {
        "metadata": {},
        "status": "Failure",
        "message": "command terminated with non-zero exit code: error executing command "
        f"[{' '.join(argv)}], exit code {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


def _internal_error(message: str) -> dict[str, Any]:
    return APIError(
        500,
        "InternalError",
        f"Internal error occurred: {message}",
        details={"causes": [{"message": message}]},
    ).status()


def _target(
    store: Store, namespace: str, name: str, options: ExecOptions
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pod and container a connection goes to; refusals come before the upgrade."""
    pod = store.get(resource("Pod"), namespace, name)
    container = _container(pod, name, options.container)
    if not pod["spec"].get("nodeName"):
        raise bad_request(f"pod {name} does not have a host assigned")
    if not (options.stdin or options.stdout or options.stderr):
        raise bad_request("you must specify at least 1 of stdin, stdout, stderr")
    return pod, container


Body = Callable[["RemoteSession"], Awaitable[None]]


async def _serve(
    request: web.Request, options: ExecOptions, stdin: Input, body: Body, *, stdin_once: bool
) -> web.StreamResponse:
    """Upgrade the connection (a WebSocket, or SPDY/3.1 for older kubectl) and run `body` on
    the session's channels."""
    kind = request.headers.get(hdrs.UPGRADE, "").lower()
    if kind == "spdy/3.1":
        return await serve_spdy(
            request,
            options.streams(),
            lambda link: body(RemoteSession(link, options, stdin, stdin_once=stdin_once)),
        )
    offered = [p.strip() for p in request.headers.get(hdrs.SEC_WEBSOCKET_PROTOCOL, "").split(",")]
    protocol = next((p for p in offered if p in PROTOCOLS), None)
    if kind != "websocket" or protocol is None:
        raise bad_request(
            f"requested protocol(s) are not supported: {offered}; supports {list(PROTOCOLS)}"
            if kind == "websocket"
            else "Upgrade request required"
        )
    ws = web.WebSocketResponse(protocols=(protocol,))
    await ws.prepare(request)
    link = _WebSocketLink(ws, request.transport, close_signal=protocol == V5)
    # The kubelet's first frame: empty, on the lowest channel the client reads.
    await link.send(STDOUT if options.stdout else STDERR if options.stderr else ERROR, b"")
    await body(RemoteSession(link, options, stdin, stdin_once=stdin_once))
    return ws


def _not_running(container: dict[str, Any]) -> dict[str, Any]:
    return _internal_error(
        f'unable to upgrade connection: container not found ("{container["name"]}")'
    )


async def serve_exec(
    request: web.Request, store: Store, processes: MainProcesses, namespace: str, name: str
) -> web.StreamResponse:
    options = ExecOptions.from_query(request.query)
    pod, container = _target(store, namespace, name, options)

    async def body(session: RemoteSession) -> None:
        if not _running(pod, container["name"]):
            await session.finish(_not_running(container))
            return
        shell = processes.shell(pod, container)
        argv = list(options.command)
        if not argv or not shell.knows(argv[0]):
            # containerd's error for a binary the image lacks, wrapped by the kubelet.
            status = _internal_error(
                "error executing command in container: failed to exec in container: failed to "
                f'start exec "{secrets.token_hex(32)}": OCI runtime exec failed: exec failed: '
                "unable to start container process: exec: "
                f'"{argv[0] if argv else ""}": executable file not found in $PATH: unknown'
            )
            await session.finish(status)
            return
        await session.run(lambda io: shell.exec(argv, io))

    return await _serve(request, options, Input(terminal=options.tty), body, stdin_once=True)


async def serve_attach(
    request: web.Request, store: Store, processes: MainProcesses, namespace: str, name: str
) -> web.StreamResponse:
    """Attach to a container's main process: its output from now on, and its stdin.

    The kubelet's ServeAttach answers Success when the attach ends, whatever the exit code.
    """
    options = ExecOptions.from_query(request.query)
    pod, container = _target(store, namespace, name, options)
    process = processes.find((namespace, name), container["name"])
    stdin = process.stdin if process is not None and options.stdin else Input()

    async def attached(io: ShellIO) -> int:
        if process is None:
            # The image's own program (the demo web server) writes nothing: wait for the end.
            await asyncio.Event().wait()
            return 0
        process.attach(io)
        try:
            await process.ended.wait()
        finally:
            process.detach(io)
        return 0

    async def body(session: RemoteSession) -> None:
        if not _running(pod, container["name"]) or (process is not None and process.ended.is_set()):
            await session.finish(_not_running(container))
            return
        await session.run(attached)

    # stdinOnce: the container's stdin closes when the first attach is done with it.
    return await _serve(request, options, stdin, body, stdin_once=bool(container.get("stdinOnce")))


class _WebSocketLink:
    """The channels over a WebSocket: each message is a channel byte and its payload."""

    def __init__(
        self, ws: web.WebSocketResponse, transport: asyncio.Transport | None, *, close_signal: bool
    ) -> None:
        self.ws = ws
        self.transport = transport
        self.close_signal = close_signal
        """v5: the client says on channel 255 that it is done writing stdin."""
        self._sending = asyncio.Lock()

    async def send(self, channel: int, data: bytes) -> None:
        if self.ws.closed:
            return
        async with self._sending:
            with contextlib.suppress(ConnectionResetError):
                await self.ws.send_bytes(bytes([channel]) + data)

    async def received(self) -> AsyncIterator[tuple[int, bytes]]:
        async for message in self.ws:
            if message.type == WSMsgType.BINARY:
                data: bytes = message.data
            elif message.type == WSMsgType.TEXT:
                data = message.data.encode()
            else:
                continue
            if data:
                yield data[0], data[1:]

    async def close(self) -> None:
        await self.ws.close()
        # As Go's tls.Conn.Close, the socket goes at once: a TLS close would wait for the
        # client's close_notify, which the Python client never sends.
        if self.transport is not None:
            self.transport.abort()


class RemoteSession:
    """One connection's channels: stdin in (through a terminal's line discipline with a TTY),
    output and the final status out, over a WebSocket or SPDY link."""

    def __init__(self, link: Link, options: ExecOptions, stdin: Input, *, stdin_once: bool) -> None:
        self.link = link
        self.options = options
        self.stdin = stdin
        self.terminal = LineDiscipline() if options.tty else None
        self.stdin_once = stdin_once
        """Whether the end of this client's stdin is the end of the process's."""

    async def _stdout(self, data: bytes) -> None:
        if self.options.stdout:
            await self.link.send(STDOUT, onlcr(data) if self.terminal else data)

    async def _stderr(self, data: bytes) -> None:
        # Under a TTY the terminal is the only output: stderr joins stdout on it.
        if self.terminal is not None:
            await self._stdout(data)
        elif self.options.stderr:
            await self.link.send(STDERR, data)

    async def finish(self, status: dict[str, Any]) -> None:
        await self.link.send(ERROR, orjson.dumps(status))
        await self.link.close()

    async def run(self, program: Callable[[ShellIO], Awaitable[int]]) -> None:
        """Run `program(io)` while reading the client; cancel it if the client goes."""
        io = ShellIO(self.stdin, self._stdout, self._stderr)
        process = asyncio.ensure_future(program(io))
        reader = asyncio.ensure_future(self._read())
        await asyncio.wait({process, reader}, return_when=asyncio.FIRST_COMPLETED)
        if not process.done():
            process.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await process
            return
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        await self.finish(_status(process.result(), self.options.command))

    async def _read(self) -> None:
        async for channel, payload in self.link.received():
            await self._received(channel, payload)
        self._end_stdin()

    def _end_stdin(self) -> None:
        if self.stdin_once:
            self.stdin.end()

    async def _received(self, channel: int, payload: bytes) -> None:
        if channel == STDIN and self.options.stdin:
            if self.terminal is None:
                self.stdin.feed(payload)
                return
            typed = self.terminal.feed(payload)
            if typed.echo:
                await self.link.send(STDOUT, typed.echo)
            self.stdin.feed(typed.lines)
            if typed.ended:
                self._end_stdin()
        elif channel == CLOSE and self.link.close_signal and payload[:1] == bytes([STDIN]):
            self._end_stdin()
