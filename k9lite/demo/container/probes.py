"""The kubelet's readiness and liveness probes of a running pod (pkg/kubelet/prober).

Each probe of each container runs in its own loop: `initialDelaySeconds` after the start, then
every `periodSeconds`, each attempt bounded by `timeoutSeconds`. `successThreshold` successes in a
row make a container ready and `failureThreshold` failures in a row unready; the pod is Ready when
all its containers are, and the EndpointSlice controller follows (ready=false: no traffic). A
container with a readiness probe starts unready. A failed attempt is a Warning Event
"Readiness probe failed: OUTPUT" (reason Unhealthy); a real kubelet folds the repeats of one
message into one Event's count, here each message is recorded once per container.

A liveness probe that reaches its failureThreshold restarts the container (Event Killing
"Container NAME failed liveness probe, will be restarted"): its restartCount grows and its
lastState is the killed run. The demo restarts the container's status and its probes, not its
process: a web server container keeps serving, a command keeps running.

httpGet dials the pod's own web server (any path it serves answers 200; a port nobody listens on
is refused), tcpSocket opens a connection, exec runs the command in the demo's shell
(MainProcesses.shell: its built-in programs). gRPC probes are not run: they count as passing.
"""

from __future__ import annotations

import asyncio
import errno
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from k9lite.demo.container.shell import Shell, ShellIO
from k9lite.demo.container.streams import Input, collect
from k9lite.demo.controllers.pod_status import current_copy, sync_ready_conditions
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.dataplane import DataPlane
from k9lite.demo.discovery import KUBERNETES_VERSION
from k9lite.demo.registry import resource
from k9lite.demo.store import Store
from k9lite.demo.tasks import observe
from k9lite.demo.timestamps import now_rfc3339

__all__ = ["Prober"]

Key = tuple[str, str]
_USER_AGENT = "kube-probe/" + ".".join(KUBERNETES_VERSION.lstrip("v").split(".")[:2])


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One attempt: whether it passed, and what the kubelet says when it did not."""

    ok: bool
    output: str = ""


def _go_quoted(argv: list[str]) -> str:
    """A []string as Go's %q prints it: ["sh" "-c" "exit 1"]."""
    return "[" + " ".join(json.dumps(a) for a in argv) + "]"


class Prober:
    """The probe loops of every running pod, started and stopped by the kubelet."""

    def __init__(
        self,
        store: Store,
        dataplane: DataPlane | None,
        recorder: EventRecorder,
        *,
        shell: Callable[[dict[str, Any], dict[str, Any]], Shell],
    ) -> None:
        self.store = store
        self.shell = shell
        self.dataplane = dataplane
        self.recorder = recorder
        self._tasks: dict[Key, list[asyncio.Task[None]]] = {}
        self._recorded: set[tuple[Key, str, str]] = set()

    def gate(self, pod: dict[str, Any]) -> None:
        """A starting pod's containers that have a readiness probe are not ready until it
        passes."""
        probed = {c["name"] for c in pod["spec"].get("containers", ()) if c.get("readinessProbe")}
        if not probed:
            return
        for entry in pod.get("status", {}).get("containerStatuses") or []:
            if entry["name"] in probed:
                entry["ready"] = False
        sync_ready_conditions(pod)

    def start(self, key: Key, pod: dict[str, Any]) -> None:
        """Start the probes of a pod that just started running."""
        loop = asyncio.get_running_loop()
        for container in pod["spec"].get("containers", ()):
            for kind in ("readiness", "liveness"):
                probe = container.get(f"{kind}Probe")
                if probe:
                    task = loop.create_task(self._run(key, pod, container, kind, probe))
                    self._tasks.setdefault(key, []).append(observe(task, f"a {kind} probe"))

    async def stop(self, key: Key) -> None:
        """Stop the pod's probes (the pod is going)."""
        self._recorded = {r for r in self._recorded if r[0] != key}
        tasks = self._tasks.pop(key, [])
        # Until done: asyncio.wait_for before Python 3.12 loses a cancellation that arrives
        # as the probe it waits for ends.
        while tasks := [t for t in tasks if not t.done()]:
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks, timeout=0.5)

    async def close(self) -> None:
        for key in list(self._tasks):
            await self.stop(key)

    async def _run(
        self,
        key: Key,
        pod: dict[str, Any],
        container: dict[str, Any],
        kind: str,
        probe: dict[str, Any],
    ) -> None:
        period = max(1, int(probe.get("periodSeconds", 10)))
        needed = {
            True: max(1, int(probe.get("successThreshold", 1))),
            False: max(1, int(probe.get("failureThreshold", 3))),
        }
        initial_delay = max(0, int(probe.get("initialDelaySeconds", 0)))
        await asyncio.sleep(initial_delay)
        last, streak = True, 0
        while True:
            began = time.monotonic()
            result = await self._attempt(pod, container, probe)
            streak = streak + 1 if result.ok == last else 1
            last = result.ok
            if not result.ok:
                self._unhealthy(key, pod, container, kind, result.output)
            wait = period - (time.monotonic() - began)
            if streak >= needed[last]:
                if kind == "readiness":
                    self._set_ready(key, pod, container["name"], last)
                elif not last:
                    self._restart(key, pod, container)
                    # The new container's probes start over, after its initial delay.
                    last, streak, wait = True, 0, max(wait, initial_delay)
            await asyncio.sleep(max(0.0, wait))

    async def _attempt(
        self, pod: dict[str, Any], container: dict[str, Any], probe: dict[str, Any]
    ) -> ProbeResult:
        timeout = max(1, int(probe.get("timeoutSeconds", 1)))
        ip = pod.get("status", {}).get("podIP", "")
        if "exec" in probe:
            return await self._exec(pod, container, probe["exec"].get("command") or [], timeout)
        if "httpGet" in probe:
            return await self._http_get(container, probe["httpGet"], ip, timeout)
        if "tcpSocket" in probe:
            action = probe["tcpSocket"]
            port = _port(container, action.get("port"))
            host = action.get("host") or ip
            try:
                _, writer = await self._dial(host, port, timeout)
            except (OSError, asyncio.TimeoutError) as exc:
                return ProbeResult(False, _dial_error(host, port, exc))
            writer.close()
            return ProbeResult(True)
        return ProbeResult(True)  # grpc: not run by the demo

    async def _dial(
        self, host: str, port: int, timeout: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        target = self.dataplane.resolve(host, port) if self.dataplane else (host, port)
        if target is None:
            raise OSError(errno.ENETUNREACH, "network is unreachable")
        return await asyncio.wait_for(asyncio.open_connection(*target), timeout)

    async def _http_get(
        self, container: dict[str, Any], action: dict[str, Any], ip: str, timeout: int
    ) -> ProbeResult:
        host = action.get("host") or ip
        port = _port(container, action.get("port"))
        path = quote(action.get("path") or "/", safe="/?=&%:@!$'()*+,;~")
        url = f"{action.get('scheme', 'HTTP').lower()}://{host}:{port}{path}"
        headers = {"Host": f"{host}:{port}", "User-Agent": _USER_AGENT, "Accept": "*/*"}
        for header in action.get("httpHeaders") or ():
            name, value = str(header.get("name", "")), str(header.get("value", ""))
            if name and not any(c in name + value for c in "\r\n"):
                headers[name] = value
        request = f"GET {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        try:
            reader, writer = await self._dial(host, port, timeout)
        except (OSError, asyncio.TimeoutError) as exc:
            return ProbeResult(False, f'Get "{url}": {_dial_error(host, port, exc)}')
        try:
            writer.write((request + "Connection: close\r\n\r\n").encode("latin-1", "replace"))
            status_line = await asyncio.wait_for(reader.readline(), timeout)
        except (OSError, asyncio.TimeoutError):
            return ProbeResult(
                False,
                f'Get "{url}": context deadline exceeded '
                "(Client.Timeout exceeded while awaiting headers)",
            )
        finally:
            writer.close()
        parts = status_line.split()
        code = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        if 200 <= code < 400:
            return ProbeResult(True)
        return ProbeResult(False, f"HTTP probe failed with statuscode: {code}")

    async def _exec(
        self, pod: dict[str, Any], container: dict[str, Any], argv: list[str], timeout: int
    ) -> ProbeResult:
        if not argv:
            return ProbeResult(False, "")
        output = bytearray()
        shell = self.shell(pod, container)
        io = ShellIO(Input.of(b""), collect(output), collect(output))
        try:
            code = await asyncio.wait_for(shell.exec(list(argv), io), timeout)
        except asyncio.TimeoutError:
            return ProbeResult(False, f"command {_go_quoted(argv)} timed out")
        return ProbeResult(code == 0, output.decode("utf-8", "replace"))

    def _unhealthy(
        self, key: Key, pod: dict[str, Any], container: dict[str, Any], kind: str, output: str
    ) -> None:
        message = f"{kind.capitalize()} probe failed: {output}"
        if (key, container["name"], message) not in self._recorded:
            self._recorded.add((key, container["name"], message))
            self._event(pod, container, "Unhealthy", message, "Warning")

    def _event(
        self, pod: dict[str, Any], container: dict[str, Any], reason: str, message: str, type_: str
    ) -> None:
        self.recorder.record(
            pod,
            reason,
            message,
            component="kubelet",
            type_=type_,
            host=pod["spec"]["nodeName"],
            field_path=f"spec.containers{{{container['name']}}}",
        )

    def _set_ready(self, key: Key, pod: dict[str, Any], name: str, ready: bool) -> None:
        new = current_copy(self.store, pod)
        if new is None:
            return
        for entry in new.get("status", {}).get("containerStatuses") or []:
            if entry["name"] == name:
                if entry.get("ready") == ready or (ready and "running" not in entry["state"]):
                    return
                entry["ready"] = ready
        sync_ready_conditions(new)
        self.store.replace(resource("Pod"), new)

    def _restart(self, key: Key, pod: dict[str, Any], container: dict[str, Any]) -> None:
        """The liveness probe failed: the kubelet kills the container and starts it again."""
        name = container["name"]
        self._event(
            pod,
            container,
            "Killing",
            f"Container {name} failed liveness probe, will be restarted",
            "Normal",
        )
        new = current_copy(self.store, pod)
        if new is None:
            return
        for entry in new.get("status", {}).get("containerStatuses") or []:
            if entry["name"] == name:
                started = entry["state"].get("running", {}).get("startedAt", now_rfc3339())
                entry["lastState"] = {
                    "terminated": {
                        # SIGTERM, then SIGKILL: a shell ignores the first (the docs' example).
                        "exitCode": 137,
                        "reason": "Error",
                        "startedAt": started,
                        "finishedAt": now_rfc3339(),
                        "containerID": entry.get("containerID", ""),
                    }
                }
                entry["state"] = {"running": {"startedAt": now_rfc3339()}}
                entry["restartCount"] = entry.get("restartCount", 0) + 1
                entry["ready"] = not container.get("readinessProbe")
        sync_ready_conditions(new)
        self.store.replace(resource("Pod"), new)


def _port(container: dict[str, Any], port: Any) -> int:
    """A probe's port: a number, or the name of one of the container's ports (0: none)."""
    if isinstance(port, int):
        return port
    if isinstance(port, str) and port.isdigit():
        return int(port)
    for declared in container.get("ports") or ():
        if declared.get("name") == port:
            return int(declared["containerPort"])
    return 0


def _dial_error(host: str, port: int, exc: Exception) -> str:
    """What Go's net.Dial says: connection refused, or an i/o timeout."""
    if isinstance(exc, asyncio.TimeoutError):
        return f"dial tcp {host}:{port}: i/o timeout"
    if isinstance(exc, ConnectionRefusedError):
        return f"dial tcp {host}:{port}: connect: connection refused"
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
    return f"dial tcp {host}:{port}: connect: {reason}"
