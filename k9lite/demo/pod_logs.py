"""What each demo container writes to its log, kept as a kubelet keeps it for pods/log.

A container's log is a ring of its last `LOG_LINES` lines, each with the time it was written
(the CRI log file's timestamp, which `timestamps=true` shows). A demo pod's web server logs a
start line per port it listens on, then one access line per request it answered, in nginx's
combined format. `pod_log_stream.py` serves them.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from k9lite.demo.container.hello import Access

__all__ = ["LOG_LINES", "ContainerLog", "LogLine", "PodLogs"]

LOG_LINES = 1000
"""Lines kept per container: memory per pod is bounded, as log rotation bounds a node's."""

Key = tuple[str, str]
# What nginx escapes in a logged value ($request, $http_user_agent): `"`, `\`, controls, and
# every byte beyond ASCII, as \xHH.
_ESCAPED = re.compile(r'["\\\x00-\x1f\x7f-\U0010ffff]')


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line a container wrote: nanoseconds since the epoch and the text, without newline."""

    at: int
    text: str

    def render(self, timestamps: bool) -> bytes:
        """The line as the kubelet sends it, prefixed with its RFC3339Nano time (9 digits)."""
        if not timestamps:
            return f"{self.text}\n".encode()
        seconds, nanos = divmod(self.at, 1_000_000_000)
        stamp = datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{stamp}.{nanos:09d}Z {self.text}\n".encode()


class ContainerLog:
    """One container's log: the last lines, and a way to wait for the next one."""

    def __init__(self) -> None:
        self.lines: deque[LogLine] = deque(maxlen=LOG_LINES)
        self.written = 0
        """Lines written since the container started: a follower's position."""
        self.running = True
        self._partial = {"stdout": "", "stderr": ""}
        self._changed = asyncio.Event()

    def write(self, text: str, at: int | None = None) -> None:
        self.lines.append(LogLine(time.time_ns() if at is None else at, text))
        self.written += 1
        self.wake()

    def feed(self, stream: str, data: bytes) -> None:
        """A process wrote `data` to `stream`: each whole line is logged, the rest waits for its
        end (the runtime's log driver splits a stream at newlines, per stream)."""
        *lines, self._partial[stream] = (
            self._partial[stream] + data.decode(errors="replace")
        ).split("\n")
        for line in lines:
            self.write(line)

    def stop(self) -> None:
        """The container has ended: followers send what is left and end their streams."""
        self.running = False
        self.wake()

    def wake(self) -> None:
        """Wake every follower (each then looks at the log and at its connection)."""
        # One Event per change, so every follower waiting on the old one wakes, none misses it.
        self._changed.set()
        self._changed = asyncio.Event()

    def after(self, position: int) -> Iterator[LogLine]:
        """The lines written from `position` on that the ring still holds."""
        first = self.written - len(self.lines)
        for index in range(max(position, first) - first, len(self.lines)):
            yield self.lines[index]

    async def changed(self, timeout: float) -> None:
        """Return when a line is written or the container stops, or after `timeout` seconds."""
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except asyncio.TimeoutError:
            return


class PodLogs:
    """The logs of every running demo container, by pod; the kubelet opens and drops them."""

    def __init__(self) -> None:
        self._pods: dict[Key, tuple[str, dict[str, ContainerLog]]] = {}
        self._ports: dict[Key, dict[int, str]] = {}

    def start(self, pod: dict[str, Any], ports: list[int]) -> None:
        """The pod's containers start: each logs where its server listens (`ports` are the
        pod's, served by the container that declares each, else by the first)."""
        meta = pod["metadata"]
        key = (meta["namespace"], meta["name"])
        containers = pod["spec"].get("containers") or []
        logs = {c["name"]: ContainerLog() for c in containers}
        # The first container that declares a port serves it.
        owners = {
            p["containerPort"]: c["name"]
            for c in reversed(containers)
            for p in c.get("ports") or ()
        }
        self._pods[key] = (meta["uid"], logs)
        self._ports[key] = {port: owners.get(port, containers[0]["name"]) for port in ports}
        for port, container in self._ports[key].items():
            logs[container].write(f"Listening on :{port}")

    def stop(self, key: Key) -> None:
        """The pod's containers are killed: their followers end and the lines are dropped."""
        _, logs = self._pods.pop(key, ("", {}))
        self._ports.pop(key, None)
        for log in logs.values():
            log.stop()

    def access(self, key: Key, port: int, access: Access) -> None:
        """The server on the pod's `port` answered a request: its container logs it."""
        container = self._ports.get(key, {}).get(port)
        if container is not None:
            at = time.time_ns()
            self._pods[key][1][container].write(_access_line(access, at), at)

    def output(self, key: Key, container: str, stream: str, data: bytes) -> None:
        """A container's main process wrote `data` to `stream` (stdout or stderr): it is logged."""
        log = self._pods.get(key, ("", {}))[1].get(container)
        if log is not None:
            log.feed(stream, data)

    def wake(self) -> None:
        """Wake every follower of every log: the API server has cut their connections."""
        for _, logs in self._pods.values():
            for log in logs.values():
                log.wake()

    def find(self, pod: dict[str, Any], container: str) -> ContainerLog | None:
        """The log of this pod's (same uid) container, if the kubelet started it."""
        meta = pod["metadata"]
        uid, logs = self._pods.get((meta["namespace"], meta["name"]), ("", {}))
        return logs.get(container) if uid == meta.get("uid") else None


def _access_line(access: Access, at: int) -> str:
    """nginx's combined log format: who asked what, when, the status and the body's bytes."""
    stamp = datetime.fromtimestamp(at / 1e9, timezone.utc).strftime("%d/%b/%Y:%H:%M:%S %z")
    asked = _escape(f"{access.method} {access.target} {access.version}")
    referer, agent = _escape(access.referer), _escape(access.agent)
    return (
        f'{access.client} - - [{stamp}] "{asked}" {access.status} {access.size} '
        f'"{referer}" "{agent}"'
    )


def _escape(value: str) -> str:
    return _ESCAPED.sub(lambda found: _hex(found.group()), value)


def _hex(char: str) -> str:
    try:
        # An undecodable byte of the request (surrogate-escaped) is that byte again.
        raw = char.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = char.encode("utf-8", "surrogatepass")
    return "".join(f"\\x{byte:02X}" for byte in raw)
