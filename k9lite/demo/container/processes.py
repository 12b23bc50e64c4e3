"""The main process of a container that has a command: run by the demo shell, attachable, and
its end the container's end.

A container with `command` or `args` (or a busybox image with neither, whose default is `sh`)
runs `command + args` when its pod starts. Its output goes to whoever is attached (pods/attach)
and to the output listeners (the pod log); when it exits the kubelet's rules apply
(pkg/kubelet/kuberuntime computePodActions, pkg/kubelet/status generateAPIPodStatus): the
container is `terminated` with its exit code and reason Completed or Error; restartPolicy Always
(or OnFailure after a failure) starts it again after a back-off, with restartCount + 1; otherwise
the pod's phase becomes Succeeded when every container exited 0, else Failed.

One departure, said here: a container with `stdin: true` waits for its first attach (at most
ATTACH_WAIT seconds) before its process starts, so `kubectl run -i` sees the whole output of a
command that a real container might have finished before the attach arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from k9lite.demo.container.commands import ContainerPrograms
from k9lite.demo.container.environment import pod_identity
from k9lite.demo.container.network import ClusterNetwork
from k9lite.demo.container.shell import Shell, ShellIO
from k9lite.demo.container.streams import Input, Output
from k9lite.demo.controllers.nodes import main_argv
from k9lite.demo.controllers.pod_status import current_copy, set_condition, sync_ready_conditions
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.dataplane import DataPlane
from k9lite.demo.registry import resource
from k9lite.demo.store import Store
from k9lite.demo.tasks import observe
from k9lite.demo.timestamps import now_rfc3339

__all__ = ["ATTACH_WAIT", "MainProcess", "MainProcesses"]

ATTACH_WAIT = 2.0
_BACKOFF, _MAX_BACKOFF = 10.0, 300.0

Key = tuple[str, str]
OutputListener = Callable[[Key, str, str, bytes], None]
"""Called with (pod key, container, "stdout" or "stderr", bytes) for each write."""


@dataclass(eq=False)
class MainProcess:
    """One container's main process: its stdin, who is attached, whether it ended."""

    container: str
    argv: list[str]
    stdin: Input
    attached: list[tuple[Output, Output]] = field(default_factory=list)
    first_attach: asyncio.Event = field(default_factory=asyncio.Event)
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    def attach(self, io: ShellIO) -> None:
        self.attached.append((io.out, io.err))
        self.first_attach.set()

    def detach(self, io: ShellIO) -> None:
        with contextlib.suppress(ValueError):
            self.attached.remove((io.out, io.err))


class MainProcesses:
    """The main processes of every running pod, started and stopped by the kubelet."""

    def __init__(
        self,
        store: Store,
        dataplane: DataPlane | None,
        recorder: EventRecorder,
        *,
        dns_server: str,
    ) -> None:
        self.store = store
        self.dataplane = dataplane
        self.recorder = recorder
        self.dns_server = dns_server
        self.output_listeners: list[OutputListener] = []
        self._processes: dict[Key, dict[str, MainProcess]] = {}
        self._tasks: dict[Key, list[asyncio.Task[None]]] = {}

    def shell(self, pod: dict[str, Any], container: dict[str, Any]) -> Shell:
        """A new shell in `container` of `pod`, with its environment and the cluster around it."""
        identity = pod_identity(self.store, pod, container)
        network = ClusterNetwork(
            self.store,
            self.dataplane,
            pod["metadata"].get("namespace", "default"),
            dns_server=self.dns_server,
        )
        return Shell(ContainerPrograms(identity, network).programs(), identity.env)

    def find(self, key: Key, container: str) -> MainProcess | None:
        return self._processes.get(key, {}).get(container)

    def start(self, key: Key, pod: dict[str, Any]) -> None:
        """Start the main process of each container that has one (the pod just started)."""
        for container in pod["spec"].get("containers", ()):
            argv = main_argv(container)
            if argv is None:
                continue
            process = MainProcess(
                container["name"], argv, Input() if container.get("stdin") else Input.of(b"")
            )
            self._processes.setdefault(key, {})[container["name"]] = process
            task = asyncio.get_running_loop().create_task(self._run(key, pod, container, process))
            self._tasks.setdefault(key, []).append(observe(task, "a container's process"))

    async def stop(self, key: Key) -> None:
        """Kill the pod's processes (the pod is going)."""
        self._processes.pop(key, None)
        tasks = self._tasks.pop(key, [])
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        for key in list(self._tasks):
            await self.stop(key)

    async def _run(
        self, key: Key, pod: dict[str, Any], container: dict[str, Any], process: MainProcess
    ) -> None:
        name = container["name"]
        if container.get("stdin"):
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.first_attach.wait(), ATTACH_WAIT)
        policy = pod["spec"].get("restartPolicy", "Always")
        # The kubelet restarts at once the first time, then backs off 10 s, 20 s ... 300 s.
        delay = 0.0
        while True:
            started = now_rfc3339()
            io = ShellIO(
                process.stdin, self._writer(key, process, 0), self._writer(key, process, 1)
            )
            code = await self.shell(pod, container).exec(list(process.argv), io)
            restart = policy == "Always" or (policy == "OnFailure" and code != 0)
            if not self._terminated(key, pod, name, code, started, delay if restart else None):
                return
            if not restart:
                process.ended.set()
                return
            await asyncio.sleep(delay)
            delay = min(max(delay * 2, _BACKOFF), _MAX_BACKOFF)
            self._restarted(key, pod, name)

    def _writer(self, key: Key, process: MainProcess, which: int) -> Output:
        stream = ("stdout", "stderr")[which]

        async def write(data: bytes) -> None:
            for listener in self.output_listeners:
                listener(key, process.container, stream, data)
            for outputs in list(process.attached):
                await outputs[which](data)

        return write

    def _terminated(
        self,
        key: Key,
        pod: dict[str, Any],
        name: str,
        code: int,
        started: str,
        restart_in: float | None,
    ) -> bool:
        """Record the container's exit (and the back-off before its restart, if it restarts);
        False when the pod is gone meanwhile."""
        last = restart_in is None
        new = current_copy(self.store, pod)
        if new is None:
            return False
        status = new.setdefault("status", {})
        statuses = status.get("containerStatuses") or []
        for entry in statuses:
            if entry["name"] == name:
                entry["ready"] = False
                entry["started"] = False
                terminated = {
                    "exitCode": code,
                    "reason": "Completed" if code == 0 else "Error",
                    "startedAt": started,
                    "finishedAt": now_rfc3339(),
                    "containerID": entry.get("containerID", ""),
                }
                entry["state"] = {"terminated": terminated}
                if restart_in:
                    meta = new["metadata"]
                    self._back_off(new, name)
                    entry["lastState"] = entry["state"]
                    entry["state"] = {
                        "waiting": {
                            "reason": "CrashLoopBackOff",
                            "message": f"back-off {restart_in:.0f}s restarting failed "
                            f"container={name} pod={meta['name']}_{meta['namespace']}"
                            f"({meta['uid']})",
                        }
                    }
        reason, message = (
            ("PodCompleted", "")
            if last
            else ("ContainersNotReady", f"containers with unready status: [{name}]")
        )
        for condition in ("Ready", "ContainersReady"):
            set_condition(new, condition, "False", reason=reason, message=message)
        ended = [s["state"].get("terminated") for s in statuses]
        if last and all(ended):
            status["phase"] = (
                "Succeeded" if all(t["exitCode"] == 0 for t in ended if t) else "Failed"
            )
        self.store.replace(resource("Pod"), new)
        return True

    def _back_off(self, pod: dict[str, Any], name: str) -> None:
        """The kubelet's Event for a restart held back (kuberuntime_manager.go doBackOff)."""
        meta = pod["metadata"]
        self.recorder.record(
            pod,
            "BackOff",
            f"Back-off restarting failed container {name} in pod "
            f"{meta['name']}_{meta['namespace']}({meta['uid']})",
            component="kubelet",
            type_="Warning",
            host=pod["spec"]["nodeName"],
            field_path=f"spec.containers{{{name}}}",
        )

    def _restarted(self, key: Key, pod: dict[str, Any], name: str) -> None:
        new = current_copy(self.store, pod)
        if new is None:
            return
        for entry in new.get("status", {}).get("containerStatuses") or []:
            if entry["name"] == name:
                if "terminated" in entry["state"]:
                    entry["lastState"] = entry["state"]
                entry["state"] = {"running": {"startedAt": now_rfc3339()}}
                entry["restartCount"] = entry.get("restartCount", 0) + 1
                entry["started"] = True
                # With a readiness probe, ready waits for it to pass (container/probes.py).
                entry["ready"] = not any(
                    c["name"] == name and c.get("readinessProbe")
                    for c in new["spec"].get("containers", ())
                )
        sync_ready_conditions(new)
        self.store.replace(resource("Pod"), new)
