"""The scheduler and the kubelets: pods get a node, then an IP, a web server and a Ready status."""

from __future__ import annotations

import asyncio
import ipaddress
import secrets
from collections.abc import Iterable
from typing import Any

from k9lite.demo.controllers.base import Controller, EventRecorder, Key
from k9lite.demo.dataplane import DataPlane
from k9lite.demo.managed_fields import writing_as
from k9lite.demo.registry import Registry, now_rfc3339, resource
from k9lite.demo.store import StoreEvent, clone

__all__ = ["Kubelet", "Scheduler", "container_ports", "mark_running"]

_CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane"


def _tolerates(pod: dict[str, Any], taint: dict[str, Any]) -> bool:
    for toleration in pod["spec"].get("tolerations") or ():
        if toleration.get("operator") == "Exists" and not toleration.get("key"):
            return True
        if toleration.get("key") == taint.get("key") and toleration.get("effect") in (
            None,
            "",
            taint.get("effect"),
        ):
            return True
    return False


class Scheduler(Controller):
    """Binds each unscheduled pod to the feasible node with the fewest siblings, then pods."""

    name = "default-scheduler"
    field_manager = "kube-scheduler"
    kinds = ("Pod", "Node")

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        if event.resource.kind == "Node":
            return self.resync()
        spec = event.obj.get("spec", {})
        if event.type != "DELETED" and not spec.get("nodeName"):
            return super().keys_for(event)
        return ()

    def resync(self) -> Iterable[Key]:
        return [
            (p["metadata"]["namespace"], p["metadata"]["name"])
            for p in self.store.iter(resource("Pod"))
            if not p["spec"].get("nodeName")
        ]

    def reconcile(self, key: Key) -> float | None:
        pod = self.store.find(resource("Pod"), *key)
        if pod is None or pod["spec"].get("nodeName") or pod["metadata"].get("deletionTimestamp"):
            return None
        nodes = list(self.store.iter(resource("Node")))
        feasible = [n for n in nodes if self._fits(pod, n)]
        if not feasible:
            message = (
                f"0/{len(nodes)} nodes are available: "
                f"{len(nodes)} node(s) didn't match Pod's node affinity/selector or "
                "had untolerated taints."
            )
            self._mark_unschedulable(pod, message)
            return None
        owner = next((r["uid"] for r in pod["metadata"].get("ownerReferences") or ()), None)
        load: dict[str, tuple[int, int]] = {}
        for other in self.store.iter(resource("Pod")):
            node = other["spec"].get("nodeName")
            if node:
                siblings, total = load.get(node, (0, 0))
                sibling = owner is not None and any(
                    r.get("uid") == owner for r in other["metadata"].get("ownerReferences") or ()
                )
                load[node] = (siblings + sibling, total + 1)
        chosen = min(
            feasible, key=lambda n: (load.get(n["metadata"]["name"], (0, 0)), n["metadata"]["name"])
        )
        node_name = chosen["metadata"]["name"]
        bound = clone(pod)
        bound["spec"]["nodeName"] = node_name
        _set_condition(bound, "PodScheduled", "True")
        # A binding, not an update: the real server's field manager does not see it.
        with writing_as(None):
            self.store.replace(resource("Pod"), bound)
        self.recorder.record(
            bound,
            "Scheduled",
            f"Successfully assigned {key[0]}/{key[1]} to {node_name}",
            component=self.name,
        )
        return None

    def _fits(self, pod: dict[str, Any], node: dict[str, Any]) -> bool:
        if node["spec"].get("unschedulable"):
            return False
        labels = node["metadata"].get("labels", {})
        selector = pod["spec"].get("nodeSelector") or {}
        if any(labels.get(k) != v for k, v in selector.items()):
            return False
        return all(
            _tolerates(pod, t)
            for t in node["spec"].get("taints") or ()
            if t.get("effect") in ("NoSchedule", "NoExecute")
        )

    def _mark_unschedulable(self, pod: dict[str, Any], message: str) -> None:
        conditions = pod.get("status", {}).get("conditions") or []
        if any(c.get("type") == "PodScheduled" and c.get("message") == message for c in conditions):
            return
        new = clone(pod)
        _set_condition(new, "PodScheduled", "False", reason="Unschedulable", message=message)
        self.store.replace(resource("Pod"), new)
        self.recorder.record(new, "FailedScheduling", message, component=self.name, type_="Warning")


def _set_condition(
    pod: dict[str, Any], type_: str, status: str, *, reason: str = "", message: str = ""
) -> None:
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
        _set_condition(pod, condition, "True")
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


def container_ports(pod: dict[str, Any]) -> list[int]:
    """The TCP ports the pod's containers listen on; an image that declares none serves 80."""
    ports = sorted(
        {
            p["containerPort"]
            for c in pod["spec"].get("containers", ())
            for p in c.get("ports") or ()
            if p.get("protocol", "TCP") == "TCP"
        }
    )
    return ports or [80]


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
        start_delay: float,
        stop_delay: float,
    ) -> None:
        super().__init__(registry, recorder)
        self.dataplane = dataplane
        self.start_delay = start_delay
        self.stop_delay = stop_delay
        self._due: dict[Key, float] = {}
        self._node_ips: dict[str, set[str]] = {}
        self._pod_ips: dict[Key, tuple[str, str]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        if event.obj["spec"].get("nodeName"):
            return super().keys_for(event)
        return ()

    def resync(self) -> Iterable[Key]:
        return [
            (p["metadata"]["namespace"], p["metadata"]["name"])
            for p in self.store.iter(resource("Pod"))
            if p["spec"].get("nodeName")
        ]

    def reconcile(self, key: Key) -> float | None:
        pod = self.store.find(resource("Pod"), *key)
        if pod is None:
            self._due.pop(key, None)
            self._spawn(self._stop(key, None))
            return None
        deleting = bool(pod["metadata"].get("deletionTimestamp"))
        if not deleting and pod.get("status", {}).get("phase") != "Pending":
            return None
        loop = asyncio.get_running_loop()
        due = self._due.setdefault(
            key, loop.time() + (self.stop_delay if deleting else self.start_delay)
        )
        if loop.time() < due:
            return due - loop.time()
        del self._due[key]
        self._spawn(self._stop(key, pod) if deleting else self._start(key, pod))
        return None

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _allocate_ip(self, node_name: str) -> str:
        node = self.store.get(resource("Node"), "", node_name)
        network = ipaddress.ip_network(node["spec"]["podCIDR"])
        used = self._node_ips.get(node_name)
        if used is None:
            used = self._node_ips[node_name] = {
                p["status"]["podIP"]
                for p in self.store.iter(resource("Pod"))
                if p["spec"].get("nodeName") == node_name and p.get("status", {}).get("podIP")
            }
        for host in network.hosts():
            if str(host) not in used and host != network.network_address + 1:
                used.add(str(host))
                return str(host)
        raise RuntimeError(f"node {node_name} has no free pod IP in {network}")

    async def _start(self, key: Key, pod: dict[str, Any]) -> None:
        node_name = pod["spec"]["nodeName"]
        ip = self._allocate_ip(node_name)
        self._pod_ips[key] = (node_name, ip)
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
        for container in new["spec"].get("containers", ()):
            image, name = container.get("image", ""), container["name"]
            self.recorder.record(
                new,
                "Pulled",
                f'Container image "{image}" already present on machine',
                component=self.name,
            )
            self.recorder.record(new, "Created", f"Created container: {name}", component=self.name)
            self.recorder.record(new, "Started", f"Started container {name}", component=self.name)

    async def _stop(self, key: Key, pod: dict[str, Any] | None) -> None:
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
                self.recorder.record(
                    pod, "Killing", f"Stopping container {container['name']}", component=self.name
                )
            self.store.delete(resource("Pod"), *key)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
