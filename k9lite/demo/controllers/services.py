"""Service controllers: EndpointSlices and Endpoints, load balancers, kube-proxy, the GC."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from k9lite.demo.allocators import allocate_load_balancer_ip
from k9lite.demo.controllers.base import Controller, Key
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.dataplane import DataPlane
from k9lite.demo.kinds.catalog import BUILTIN
from k9lite.demo.registry import Registry, resource
from k9lite.demo.store import StoreEvent
from k9lite.demo.tasks import observe
from k9lite.demo.timestamps import now_rfc3339
from k9lite.model.selectors import LabelSelector

__all__ = ["EndpointsController", "GarbageCollector", "KubeProxy", "LoadBalancerController"]

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
_MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
_CONTROLLER_NAME = "endpointslice-controller.k8s.io"
_HEADLESS_LABEL = "service.kubernetes.io/headless"
# When the change that caused this write happened; kube-proxy measures its latency with it.
_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"


def _is_ready(pod: dict[str, Any]) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in pod.get("status", {}).get("conditions", ())
    )


def resolve_target_port(pod: dict[str, Any], service_port: dict[str, Any]) -> int | None:
    """The pod's port number for a Service port; a named targetPort must be a declared port."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    protocol = service_port.get("protocol", "TCP")
    for container in pod["spec"].get("containers", ()):
        for port in container.get("ports") or ():
            if port.get("name") == target and port.get("protocol", "TCP") == protocol:
                number: int = port["containerPort"]
                return number
    return None


class EndpointsController(Controller):
    """For each Service with a selector, EndpointSlices and v1 Endpoints of its matching pods."""

    name = "endpointslice-controller"
    kinds = ("Service", "Pod")

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        if event.resource.kind == "Service":
            return super().keys_for(event)
        namespace = event.obj["metadata"]["namespace"]
        labels = [event.obj["metadata"].get("labels") or {}]
        if event.old is not None:
            labels.append(event.old["metadata"].get("labels") or {})
        keys = []
        for svc in self.store.iter(resource("Service"), namespace):
            selector = LabelSelector.from_service_selector(svc["spec"].get("selector"))
            if selector is not None and any(selector.matches(lab) for lab in labels):
                keys.append((namespace, svc["metadata"]["name"]))
        return keys

    def resync(self) -> Iterable[Key]:
        return [
            (s["metadata"]["namespace"], s["metadata"]["name"])
            for s in self.store.iter(resource("Service"))
        ]

    def reconcile(self, key: Key) -> float | None:
        namespace, name = key
        svc = self.store.find(resource("Service"), namespace, name)
        selector = (
            LabelSelector.from_service_selector(svc["spec"].get("selector"))
            if svc is not None
            else None
        )
        if svc is None or selector is None:
            # Gone, or without selector: its endpoints are someone else's (or nobody's) to keep.
            if svc is None:
                self._write_slices(namespace, name, None, [])
            return None
        pods = [
            p
            for p in self.store.select(resource("Pod"), namespace, svc["spec"]["selector"])
            if p.get("status", {}).get("podIP")
            and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")
        ]
        groups: dict[tuple[tuple[str, int, str], ...], list[dict[str, Any]]] = {}
        for pod in pods:
            ports = []
            for port in svc["spec"].get("ports") or ():
                number = resolve_target_port(pod, port)
                if number is not None:
                    ports.append((port.get("name") or "", number, port.get("protocol", "TCP")))
            groups.setdefault(tuple(ports), []).append(pod)
        self._write_slices(namespace, name, svc, sorted(groups.items()))
        self._write_endpoints(svc, sorted(groups.items()))
        return None

    def _write_slices(
        self,
        namespace: str,
        name: str,
        svc: dict[str, Any] | None,
        groups: list[tuple[tuple[tuple[str, int, str], ...], list[dict[str, Any]]]],
    ) -> None:
        slices_rt = resource("EndpointSlice")
        existing = self.store.select(
            slices_rt, namespace, {SERVICE_NAME_LABEL: name, _MANAGED_BY: _CONTROLLER_NAME}
        )
        if svc is None:
            for slice_ in existing:
                self.store.delete(slices_rt, namespace, slice_["metadata"]["name"])
            return
        if not groups:
            # An empty Service keeps one placeholder slice, as the real controller does.
            groups = [((), [])]
        labels = {SERVICE_NAME_LABEL: name, _MANAGED_BY: _CONTROLLER_NAME}
        if svc["spec"].get("clusterIP") == "None":
            labels[_HEADLESS_LABEL] = ""
        for index, (ports, pods) in enumerate(groups):
            body = {
                "addressType": "IPv4",
                # A slice without endpoints says `null`, as Go encodes a nil slice.
                "endpoints": [
                    _slice_endpoint(p) for p in sorted(pods, key=lambda p: p["status"]["podIP"])
                ]
                or None,
                "ports": [{"name": n, "port": num, "protocol": proto} for n, num, proto in ports]
                if ports
                else None,
            }
            if index < len(existing):
                current = existing[index]
                wanted = {**current, **body}
                if (
                    _without_versions(wanted) != _without_versions(current)
                    or current["metadata"].get("labels") != labels
                ):
                    meta = {**current["metadata"], "labels": labels}
                    meta["generation"] = current["metadata"].get("generation", 1) + 1
                    if pods:
                        meta["annotations"] = {_TRIGGER_TIME: now_rfc3339()}
                    self.store.replace(slices_rt, {**wanted, "metadata": meta})
                continue
            self.registry.create(
                slices_rt,
                namespace,
                {
                    "apiVersion": "discovery.k8s.io/v1",
                    "kind": "EndpointSlice",
                    "metadata": {
                        "generateName": f"{name}-",
                        "labels": labels,
                        **({"annotations": {_TRIGGER_TIME: now_rfc3339()}} if pods else {}),
                        "ownerReferences": [
                            {
                                "apiVersion": "v1",
                                "kind": "Service",
                                "name": name,
                                "uid": svc["metadata"]["uid"],
                                "controller": True,
                                "blockOwnerDeletion": True,
                            }
                        ],
                    },
                    **body,
                },
            )
        for slice_ in existing[len(groups) :]:
            self.store.delete(slices_rt, namespace, slice_["metadata"]["name"])

    def _write_endpoints(
        self,
        svc: dict[str, Any],
        groups: list[tuple[tuple[tuple[str, int, str], ...], list[dict[str, Any]]]],
    ) -> None:
        endpoints_rt = resource("Endpoints")
        meta = svc["metadata"]
        subsets = []
        for ports, pods in groups:
            # v1 Endpoints list terminating pods nowhere, and a subset needs ports.
            live = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
            if not ports or not live:
                continue
            subset: dict[str, Any] = {}
            ready = [_address(p) for p in live if _is_ready(p)]
            not_ready = [_address(p) for p in live if not _is_ready(p)]
            if ready:
                subset["addresses"] = sorted(ready, key=lambda a: a["ip"])
            if not_ready:
                subset["notReadyAddresses"] = sorted(not_ready, key=lambda a: a["ip"])
            subset["ports"] = [
                {"name": n, "port": num, "protocol": proto}
                if n
                else {"port": num, "protocol": proto}
                for n, num, proto in ports
            ]
            subsets.append(subset)
        current = self.store.find(endpoints_rt, meta["namespace"], meta["name"])
        body: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {
                "name": meta["name"],
                "namespace": meta["namespace"],
                "labels": dict(meta.get("labels") or {}),
            },
        }
        if subsets:
            body["subsets"] = subsets
        if current is None:
            self.registry.create(endpoints_rt, meta["namespace"], body)
        elif current.get("subsets") != body.get("subsets"):
            new = {**current, "metadata": dict(current["metadata"])}
            new.pop("subsets", None)
            if subsets:
                new["subsets"] = subsets
            self.store.replace(endpoints_rt, new)


def _address(pod: dict[str, Any]) -> dict[str, Any]:
    meta = pod["metadata"]
    return {
        "ip": pod["status"]["podIP"],
        "nodeName": pod["spec"]["nodeName"],
        "targetRef": {
            "kind": "Pod",
            "namespace": meta["namespace"],
            "name": meta["name"],
            "uid": meta["uid"],
        },
    }


def _slice_endpoint(pod: dict[str, Any]) -> dict[str, Any]:
    meta = pod["metadata"]
    terminating = bool(meta.get("deletionTimestamp"))
    ready = _is_ready(pod)
    return {
        "addresses": [pod["status"]["podIP"]],
        "conditions": {
            "ready": ready and not terminating,
            "serving": ready,
            "terminating": terminating,
        },
        "nodeName": pod["spec"]["nodeName"],
        "targetRef": {
            "kind": "Pod",
            "namespace": meta["namespace"],
            "name": meta["name"],
            "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"],
        },
    }


def _without_versions(slice_: dict[str, Any]) -> list[Any]:
    """A slice's endpoints and ports, without the pods' resourceVersions: those alone change
    nothing a client routes by, so they cause no rewrite.

    The real controller compares endpoints the same way (endpointsEqualBeyondHash).
    """
    return [
        {**e, "targetRef": {k: v for k, v in e["targetRef"].items() if k != "resourceVersion"}}
        for e in slice_.get("endpoints") or ()
    ] + [slice_.get("ports")]


class LoadBalancerController(Controller):
    """Gives LoadBalancer Services an external IP, as a cloud controller or MetalLB does."""

    name = "service-controller"
    kinds = ("Service",)

    def resync(self) -> Iterable[Key]:
        return [
            (s["metadata"]["namespace"], s["metadata"]["name"])
            for s in self.store.iter(resource("Service"))
        ]

    def reconcile(self, key: Key) -> float | None:
        svc = self.store.find(resource("Service"), *key)
        if svc is None:
            return None
        ingress = svc.get("status", {}).get("loadBalancer", {}).get("ingress")
        if svc["spec"].get("type") != "LoadBalancer":
            if ingress:
                self.registry.write_status(resource("Service"), svc, {"loadBalancer": {}})
            return None
        if ingress:
            return None
        taken = {
            i.get("ip")
            for s in self.store.iter(resource("Service"))
            for i in s.get("status", {}).get("loadBalancer", {}).get("ingress", ())
        }
        address = allocate_load_balancer_ip(self.registry.addresses, {t for t in taken if t})
        if address is None:
            return None
        self.recorder.record(
            svc, "EnsuringLoadBalancer", "Ensuring load balancer", component=self.name
        )
        self.registry.write_status(
            resource("Service"),
            svc,
            {"loadBalancer": {"ingress": [{"ip": address, "ipMode": "VIP"}]}},
        )
        self.recorder.record(
            svc, "EnsuredLoadBalancer", "Ensured load balancer", component=self.name
        )
        return None


class KubeProxy(Controller):
    """Keeps the data plane's listeners in line with Services, EndpointSlices and Nodes."""

    name = "kube-proxy"
    kinds = ("Service", "EndpointSlice", "Node")

    def __init__(
        self, registry: Registry, recorder: EventRecorder, *, dataplane: DataPlane
    ) -> None:
        super().__init__(registry, recorder)
        self.dataplane = dataplane
        self._pending: asyncio.Task[None] | None = None

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        return (("", ""),)

    def resync(self) -> Iterable[Key]:
        return (("", ""),)

    def reconcile(self, key: Key) -> float | None:
        if self._pending is not None and not self._pending.done():
            return 0.05
        self._pending = observe(
            asyncio.get_running_loop().create_task(self.dataplane.sync()), "kube-proxy: a sync"
        )
        return None


class GarbageCollector(Controller):
    """Deletes objects whose owner is gone (background cascading deletion)."""

    name = "garbage-collector"
    kinds = tuple(dict.fromkeys(strategy.resource.kind for strategy in BUILTIN))

    def keys_for(self, event: StoreEvent) -> Iterable[Key]:
        if event.type == "DELETED":
            return ((event.obj["metadata"].get("namespace", ""), event.obj["metadata"]["uid"]),)
        return ()

    def reconcile(self, key: Key) -> float | None:
        for dependent in self.store.dependents(key[1]):
            rt = self.registry.kinds.stored_as(dependent["apiVersion"], dependent["kind"])
            if rt is None:
                continue
            meta = dependent["metadata"]
            self.registry.delete(
                rt, meta.get("namespace"), meta["name"], {"propagationPolicy": "Background"}
            )
        return None
