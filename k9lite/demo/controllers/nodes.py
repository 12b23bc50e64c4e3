"""The kubelets: a bound pod gets an IP, a web server and a Ready status; a deleted one stops."""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from k9lite.demo.controllers.base import Controller, Key
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.dataplane import DataPlane
from k9lite.demo.pod_logs import PodLogs
from k9lite.demo.registry import Registry, now_rfc3339, resource
from k9lite.demo.store import Store, StoreEvent, clone
from k9lite.demo.tasks import observe

if TYPE_CHECKING:
    from k9lite.demo.container.processes import MainProcesses

__all__ = [
    "Kubelet",
    "container_ports",
    "main_argv",
    "mark_running",
    "pod_keys",
    "set_condition",
]

# Seconds before a kubelet tries again to set up a pod whose sandbox failed.
_SANDBOX_RETRY = 5.0
_IMAGE_DEFAULTS = {"busybox": ["sh"]}
"""The CMD of images that have one worth running here (busybox's is `sh`)."""


def set_condition(
    pod: dict[str, Any], type_: str, status: str, *, reason: str = "", message: str = ""
) -> None:
    """Set one condition of a pod's status, replacing the one of that type."""
    conditions = pod.setdefault("status", {}).setdefault("conditions", [])
    conditions[:] = [c for c in conditions if c.get("type") != type_]
    condition = {
        "type": type_,
        "status": status,
        "lastProbeTime": None,
        "lastTransitionTime": now_rfc3339(),
    }
    if reason:
        condition["reason"] = reason
        condition["message"] = message
    conditions.append(condition)


def mark_running(pod: dict[str, Any], node: dict[str, Any], ip: str) -> None:
    """Give a bound pod its IP and a Running, Ready status, as its kubelet reports it."""
    host_ip = next(a["address"] for a in node["status"]["addresses"] if a["type"] == "InternalIP")
    started = now_rfc3339()
    status = pod.setdefault("status", {})
    status.update(
        {
            "phase": "Running",
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": started,
        }
    )
    for condition in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"):
        set_condition(pod, condition, "True")
    status["containerStatuses"] = [
        {
            "name": c["name"],
            "image": c.get("image", ""),
            "imageID": f"docker.io/library/{c.get('image', '')}@sha256:{secrets.token_hex(32)}",
            "containerID": f"containerd://{secrets.token_hex(32)}",
            "ready": True,
            "started": True,
            "restartCount": 0,
            "lastState": {},
            "state": {"running": {"startedAt": started}},
        }
        for c in pod["spec"].get("containers", ())
    ]


def _pulls(container: dict[str, Any]) -> bool:
    """imagePullPolicy Always (the default for `:latest` or no tag): the kubelet pulls."""
    return container.get("imagePullPolicy") == "Always" and bool(container.get("image"))


def _image_size(image: str) -> int:
    """A size for an image, the same every time for one name."""
    return 2_000_000 + zlib.crc32(image.encode()) % 100_000_000


def _go_duration(seconds: float) -> str:
    """A duration as Go's time.Duration prints it: 812.4ms, 1.5s."""
    if seconds >= 1:
        return f"{seconds:.9f}".rstrip("0").rstrip(".") + "s"
    if seconds >= 0.001:
        return f"{seconds * 1000:.6f}".rstrip("0").rstrip(".") + "ms"
    return f"{seconds * 1_000_000:.3f}".rstrip("0").rstrip(".") + "µs"


def pod_keys(store: Store, *, bound: bool) -> list[Key]:
    """The keys of the pods that have a node (`bound`) or are still waiting for one."""
    return [
        (p["metadata"]["namespace"], p["metadata"]["name"])
        for p in store.iter(resource("Pod"))
        if bool(p["spec"].get("nodeName")) == bound
    ]


def main_argv(container: dict[str, Any]) -> list[str] | None:
    """What the container runs, when the demo runs it: command + args, or the image's CMD;
    None for the images the demo's web server stands for."""
    argv = list(container.get("command") or ()) + list(container.get("args") or ())
    if argv:
        return argv
    image = container.get("image", "").rsplit("/", 1)[-1].split(":")[0].split("@")[0]
    default = _IMAGE_DEFAULTS.get(image)
    return list(default) if default else None


def container_ports(pod: dict[str, Any]) -> list[int]:
    """The TCP ports the pod's web servers listen on: those its containers without a command
    declare, else 80 when there is such a container. A command (`kubectl run ... -- wget ...`)
    opens no port."""
    servers = [c for c in pod["spec"].get("containers", ()) if main_argv(c) is None]
    ports = sorted(
        {
            p["containerPort"]
            for c in servers
            for p in c.get("ports") or ()
            if p.get("protocol", "TCP") == "TCP"
        }
    )
    return ports or ([80] if servers else [])


class Kubelet(Controller):
    """Every node's kubelet at once: starts bound pods after a delay, stops deleted ones."""

    name = "kubelet"
    field_manager = "kubelet"
    kinds = ("Pod",)

    def __init__(
        self,
        registry: Registry,
        recorder: EventRecorder,
        *,
        dataplane: DataPlane | None,
        pod_logs: PodLogs,
        start_delay: float,
        stop_delay: float,
        processes: MainProcesses | None = None,
    ) -> None:
        super().__init__(registry, recorder)
        self.dataplane = dataplane
        self.pod_logs = pod_logs
        self.processes = processes
        self.start_delay = start_delay
        self.stop_delay = stop_delay
        self._due: dict[Key, float] = {}
        self._node_ips: dict[str, set[str]] = {}
        self._pod_ips: dict[Key, tuple[str, str]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._sandbox_failures: set[Key] = set()

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        if event.obj["spec"].get("nodeName"):
            return super().keys_for(event)
        return ()

    def resync(self) -> Iterable[Key]:
        return pod_keys(self.store, bound=True)

    def reconcile(self, key: Key) -> float | None:
        pod = self.store.find(resource("Pod"), *key)
        if pod is None:
            self._due.pop(key, None)
            self._sandbox_failures.discard(key)
            self._spawn(self._stop(key, None))
            return None
        deleting = bool(pod["metadata"].get("deletionTimestamp"))
        if not deleting and (
            pod.get("status", {}).get("phase") != "Pending" or key in self._pod_ips
        ):
            return None  # running, or being started
        loop = asyncio.get_running_loop()
        due = self._due.setdefault(
            key, loop.time() + (self.stop_delay if deleting else self.start_delay)
        )
        if loop.time() < due:
            return due - loop.time()
        del self._due[key]
        if deleting:
            self._spawn(self._stop(key, pod))
            return None
        ip = self._allocate_ip(pod["spec"]["nodeName"])
        if ip is None:
            return self._sandbox_failed(key, pod)
        self._sandbox_failures.discard(key)
        self._pod_ips[key] = (pod["spec"]["nodeName"], ip)
        self._spawn(self._start(key, pod, ip))
        return None

    def _sandbox_failed(self, key: Key, pod: dict[str, Any]) -> float:
        """No pod address left on the node: the pod stays Pending and the kubelet says why."""
        if key not in self._sandbox_failures:
            # Once per pod: a real kubelet's repeats are folded into one Event's count.
            self._sandbox_failures.add(key)
            network = ipaddress.ip_network(
                self.store.get(resource("Node"), "", pod["spec"]["nodeName"])["spec"]["podCIDR"]
            )
            first, last = network.network_address + 2, network.broadcast_address - 1
            self.recorder.record(
                pod,
                "FailedCreatePodSandBox",
                "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup "
                f'network for sandbox "{secrets.token_hex(32)}": plugin type="host-local" '
                "failed (add): failed to allocate for range 0: no IP addresses available in "
                f"range set: {first}-{last}",
                component=self.name,
                type_="Warning",
                host=pod["spec"]["nodeName"],
            )
        return _SANDBOX_RETRY

    def _spawn(self, coro: Any) -> None:
        task = observe(asyncio.get_running_loop().create_task(coro), "kubelet: a pod task")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _allocate_ip(self, node_name: str) -> str | None:
        node = self.store.get(resource("Node"), "", node_name)
        network = ipaddress.ip_network(node["spec"]["podCIDR"])
        used = self._node_ips.get(node_name)
        if used is None:
            used = self._node_ips[node_name] = {
                p["status"]["podIP"]
                for p in self.store.iter(resource("Pod"))
                if p["spec"].get("nodeName") == node_name and p.get("status", {}).get("podIP")
            }
        # Every address but the network's, the bridge's (.1) and the broadcast one is for pods.
        if len(used) >= network.num_addresses - 3:
            return None  # full: no need to look (pods waiting for an address ask often)
        for host in network.hosts():
            if str(host) not in used and host != network.network_address + 1:
                used.add(str(host))
                return str(host)
        return None

    async def _start(self, key: Key, pod: dict[str, Any], ip: str) -> None:
        node_name = pod["spec"]["nodeName"]
        loop = asyncio.get_running_loop()
        began = loop.time()
        pulled = [c for c in pod["spec"].get("containers", ()) if _pulls(c)]
        for container in pulled:
            self._record_container(
                pod, container, "Pulling", f'Pulling image "{container["image"]}"'
            )
        self.pod_logs.start(pod, container_ports(pod))
        if self.dataplane is not None:
            await self.dataplane.start_pod(key, key[1], ip, container_ports(pod))
        current = self.store.find(resource("Pod"), *key)
        if current is None or current["metadata"]["uid"] != pod["metadata"]["uid"]:
            await self._stop(key, None)
            return
        node = self.store.get(resource("Node"), "", node_name)
        new = clone(current)
        mark_running(new, node, ip)
        self.store.replace(resource("Pod"), new)
        if self.processes is not None:
            self.processes.start(key, new)
        # The kubelet's start delay stands for the pull.
        took = _go_duration(self.start_delay + loop.time() - began)
        for container in new["spec"].get("containers", ()):
            image, name = container.get("image", ""), container["name"]
            self._record_container(
                new,
                container,
                "Pulled",
                f'Successfully pulled image "{image}" in {took} ({took} including waiting). '
                f"Image size: {_image_size(image)} bytes."
                if container in pulled
                else f'Container image "{image}" already present on machine',
            )
            self._record_container(new, container, "Created", f"Created container: {name}")
            self._record_container(new, container, "Started", f"Started container {name}")

    def _record_container(
        self, pod: dict[str, Any], container: dict[str, Any], reason: str, message: str
    ) -> None:
        """A kubelet's Event about one container: it names the container and the node."""
        self.recorder.record(
            pod,
            reason,
            message,
            component=self.name,
            host=pod["spec"]["nodeName"],
            field_path=f"spec.containers{{{container['name']}}}",
        )

    async def _stop(self, key: Key, pod: dict[str, Any] | None) -> None:
        self.pod_logs.stop(key)
        if self.processes is not None:
            await self.processes.stop(key)
        if self.dataplane is not None:
            await self.dataplane.stop_pod(key)
        if key in self._pod_ips:
            node_name, ip = self._pod_ips.pop(key)
            self._node_ips.get(node_name, set()).discard(ip)
        if pod is None:
            return
        current = self.store.find(resource("Pod"), *key)
        if current is not None and current["metadata"]["uid"] == pod["metadata"]["uid"]:
            for container in pod["spec"].get("containers", ()):
                self._record_container(
                    pod, container, "Killing", f"Stopping container {container['name']}"
                )
            self.store.delete(resource("Pod"), *key)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
