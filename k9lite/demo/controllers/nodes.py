"""The kubelets: a bound pod gets an IP, a web server and a Ready status; a deleted one stops."""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from k9lite.demo.controllers.base import Controller, Key
from k9lite.demo.controllers.image_pulls import (
    go_duration,
    image_size,
    missing_image,
    pull_error,
    pulls,
    set_waiting,
)
from k9lite.demo.controllers.pod_status import mark_running, sync_ready_conditions
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.dataplane import DataPlane
from k9lite.demo.pod_logs import PodLogs
from k9lite.demo.registry import Registry, resource
from k9lite.demo.store import Store, StoreEvent, clone
from k9lite.demo.tasks import observe

if TYPE_CHECKING:
    from k9lite.demo.container.probes import Prober
    from k9lite.demo.container.processes import MainProcesses

__all__ = [
    "Kubelet",
    "container_ports",
    "main_argv",
    "pod_keys",
]

# Seconds before a kubelet tries again to set up a pod whose sandbox failed.
_SANDBOX_RETRY = 5.0
# A failed pull shows ErrImagePull this long, then ImagePullBackOff for the back-off (10 s,
# doubling, at most 300 s: pkg/kubelet/images, the kubelet's image back-off).
_ERR_IMAGE_PULL_SHOWN, _PULL_BACKOFF, _MAX_PULL_BACKOFF = 1.0, 10.0, 300.0
_IMAGE_DEFAULTS = {"busybox": ["sh"]}
"""The CMD of images that have one worth running here (busybox's is `sh`)."""


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
        prober: Prober | None = None,
    ) -> None:
        super().__init__(registry, recorder)
        self.dataplane = dataplane
        self.pod_logs = pod_logs
        self.processes = processes
        self.prober = prober
        self.start_delay = start_delay
        self.stop_delay = stop_delay
        self._due: dict[Key, float] = {}
        self._node_ips: dict[str, set[str]] = {}
        self._pod_ips: dict[Key, tuple[str, str]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._sandbox_failures: set[Key] = set()
        self._pulling: dict[Key, asyncio.Task[Any]] = {}

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
        pulled = [c for c in pod["spec"].get("containers", ()) if pulls(c)]
        for container in pulled:
            if not missing_image(container["image"]):
                self._record_container(
                    pod, container, "Pulling", f'Pulling image "{container["image"]}"'
                )
        containers = pod["spec"].get("containers", ())
        if any(missing_image(c["image"]) for c in containers) and not await self._pull_failing(
            key, pod, ip
        ):
            return
        self.pod_logs.start(pod, container_ports(pod))
        if self.dataplane is not None:
            await self.dataplane.start_pod(key, key[1], ip, container_ports(pod))
        current = self._same_pod(key, pod)
        if current is None:
            await self._stop(key, None)
            return
        node = self.store.get(resource("Node"), "", node_name)
        new = clone(current)
        mark_running(new, node, ip)
        if self.prober is not None:
            self.prober.gate(new)
        self.store.replace(resource("Pod"), new)
        if self.processes is not None:
            self.processes.start(key, new)
        if self.prober is not None:
            self.prober.start(key, new)
        # The kubelet's start delay stands for the pull.
        took = go_duration(self.start_delay + loop.time() - began)
        for container in new["spec"].get("containers", ()):
            image, name = container.get("image", ""), container["name"]
            self._record_container(
                new,
                container,
                "Pulled",
                f'Successfully pulled image "{image}" in {took} ({took} including waiting). '
                f"Image size: {image_size(image)} bytes."
                if container in pulled
                else f'Container image "{image}" already present on machine',
            )
            self._record_container(new, container, "Created", f"Created container: {name}")
            self._record_container(new, container, "Started", f"Started container {name}")

    async def _pull_failing(self, key: Key, pod: dict[str, Any], ip: str) -> bool:
        """Pull, fail, back off, again, while an image is missing; the pod stays Pending with
        its address. True once the images are all there (`kubectl set image` on the pod)."""
        self._pulling[key] = asyncio.current_task()  # type: ignore[assignment]
        delay = _PULL_BACKOFF
        try:
            while (current := self._same_pod(key, pod)) is not None:
                containers = current["spec"].get("containers", ())
                missing = [c for c in containers if missing_image(c["image"])]
                if not missing:
                    return True
                for reason, pause in (
                    ("ErrImagePull", _ERR_IMAGE_PULL_SHOWN),
                    ("ImagePullBackOff", delay),
                ):
                    self._pull_failed(key, current, ip, reason, missing)
                    await asyncio.sleep(pause)
                delay = min(delay * 2, _MAX_PULL_BACKOFF)
            return False
        finally:
            self._pulling.pop(key, None)

    def _pull_failed(
        self,
        key: Key,
        pod: dict[str, Any],
        ip: str,
        reason: str,
        missing: list[dict[str, Any]],
    ) -> None:
        """The Events and the waiting state of a failed pull (ErrImagePull) or of the back-off
        after it (ImagePullBackOff), as pkg/kubelet/images reports them."""
        waiting: dict[str, tuple[str, str]] = {}
        for container in missing:
            image, error = container["image"], pull_error(container["image"])
            if reason == "ErrImagePull":
                self._record_container(pod, container, "Pulling", f'Pulling image "{image}"')
                message = f'Failed to pull image "{image}": {error}'
                self._record_container(pod, container, "Failed", message, type_="Warning")
                waiting[container["name"]] = (reason, error)
            else:
                message = f'Back-off pulling image "{image}"'
                self._record_container(pod, container, "BackOff", message)
                waiting[container["name"]] = (reason, f"{message}: ErrImagePull: {error}")
            self._record_container(pod, container, "Failed", f"Error: {reason}", type_="Warning")
        current = self._same_pod(key, pod)
        if current is None:
            return
        new = clone(current)
        mark_running(new, self.store.get(resource("Node"), "", new["spec"]["nodeName"]), ip)
        set_waiting(new, waiting)
        sync_ready_conditions(new)
        self.store.replace(resource("Pod"), new)

    def _same_pod(self, key: Key, pod: dict[str, Any]) -> dict[str, Any] | None:
        """The pod at `key` if it is still `pod` (not deleted, not made anew under its name)."""
        current = self.store.find(resource("Pod"), *key)
        if current is None or current["metadata"]["uid"] != pod["metadata"]["uid"]:
            return None
        return current

    def _record_container(
        self,
        pod: dict[str, Any],
        container: dict[str, Any],
        reason: str,
        message: str,
        *,
        type_: str = "Normal",
    ) -> None:
        """A kubelet's Event about one container: it names the container and the node."""
        self.recorder.record(
            pod,
            reason,
            message,
            component=self.name,
            type_=type_,
            host=pod["spec"]["nodeName"],
            field_path=f"spec.containers{{{container['name']}}}",
        )

    async def _stop(self, key: Key, pod: dict[str, Any] | None) -> None:
        pulling = self._pulling.pop(key, None)
        if pulling is not None:
            pulling.cancel()
        self.pod_logs.stop(key)
        if self.prober is not None:
            await self.prober.stop(key)
        if self.processes is not None:
            await self.processes.stop(key)
        if self.dataplane is not None:
            await self.dataplane.stop_pod(key)
        if key in self._pod_ips:
            node_name, ip = self._pod_ips.pop(key)
            self._node_ips.get(node_name, set()).discard(ip)
        if pod is None:
            return
        if self._same_pod(key, pod) is not None:
            for container in pod["spec"].get("containers", ()):
                self._record_container(
                    pod, container, "Killing", f"Stopping container {container['name']}"
                )
            self.store.delete(resource("Pod"), *key)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.prober is not None:
            await self.prober.close()
