"""The demo cluster assembled: API server, controllers and data plane on one event loop.

`DemoCluster` runs it on a background thread for tests and for `k9lite --demo`; the
`k9lite demo-cluster` command runs the same thing in the foreground.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import logging
import os
import random
import secrets
import ssl
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import trustme

from k9lite.demo import scenarios
from k9lite.demo.allocators import SERVICE_CIDR, node_address, pod_cidr
from k9lite.demo.controllers.base import ControllerManager
from k9lite.demo.controllers.node_events import record_node_registered
from k9lite.demo.controllers.nodes import Kubelet
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.controllers.scheduler import Scheduler
from k9lite.demo.controllers.services import (
    EndpointsController,
    GarbageCollector,
    KubeProxy,
    LoadBalancerController,
)
from k9lite.demo.controllers.workloads import DeploymentController, ReplicaSetController
from k9lite.demo.dataplane import DataPlane, loopback_range_usable
from k9lite.demo.discovery import KUBERNETES_VERSION
from k9lite.demo.kubeconfig_file import CONTEXT_NAME, write_private
from k9lite.demo.limits import DEFAULT_MAX_PODS, MAX_NODES
from k9lite.demo.managed_fields import writing_as
from k9lite.demo.registry import Registry, now_rfc3339, resource
from k9lite.demo.server import DEMO_USER, APIServer
from k9lite.demo.store import Store

__all__ = ["DemoCluster", "DemoCredentials", "DemoOptions", "DemoStartError"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class DemoStartError(RuntimeError):
    """The demo cluster could not start (a taken port, an unknown scenario...)."""


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """How to build the demo cluster."""

    port: int = 0
    scenarios: tuple[str, ...] = ("default",)
    nodes: int = 3
    scale: int = 0
    max_pods: int = DEFAULT_MAX_PODS
    """Creates and scales that would take the cluster past this many pods are refused."""
    load_balancer: bool = True
    dataplane: bool = True
    pod_start_delay: float = 0.5
    pod_stop_delay: float = 0.5
    bookmark_interval: float = 30.0
    seed: int | None = None


def _node(name: str, index: int, *, control_plane: bool) -> dict[str, Any]:
    machine_id = uuid.uuid4().hex
    labels = {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
    }
    spec: dict[str, Any] = {"podCIDR": pod_cidr(index), "podCIDRs": [pod_cidr(index)]}
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        spec["taints"] = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        # The controller manager's TTL controller annotates every node (0 s on small clusters).
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
        },
        "spec": spec,
        "status": {
            "addresses": [
                {"type": "InternalIP", "address": node_address(index)},
                {"type": "Hostname", "address": name},
            ],
            "capacity": {"cpu": "2", "memory": "4026180Ki", "pods": "110"},
            "allocatable": {"cpu": "2", "memory": "3923780Ki", "pods": "110"},
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "lastHeartbeatTime": now_rfc3339(),
                    "lastTransitionTime": now_rfc3339(),
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                }
            ],
            "nodeInfo": {
                "kubeletVersion": KUBERNETES_VERSION,
                "kubeProxyVersion": KUBERNETES_VERSION,
                "osImage": "k9lite demo node",
                "kernelVersion": os.uname().release,
                "containerRuntimeVersion": "k9lite-demo://0.1.0",
                "operatingSystem": "linux",
                "machineID": machine_id,
                "systemUUID": str(uuid.UUID(machine_id)),
                "bootID": str(uuid.uuid4()),
                "architecture": "amd64",
            },
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        },
    }


def node_names(count: int) -> list[str]:
    """`master`, `worker1`, `worker2`... as in the tutorials' clusters."""
    return ["master"] + [f"worker{i}" for i in range(1, count)]


class ClusterRuntime:
    """Everything of one demo cluster that lives on its event loop."""

    def __init__(self, options: DemoOptions, *, token: str, ssl_context: ssl.SSLContext) -> None:
        self.options = options
        rng = random.Random(options.seed)
        self.store = Store()
        self.registry = Registry(self.store, rng=rng, max_pods=options.max_pods)
        self.dataplane = (
            DataPlane(self.store, rng=rng, loopback_range=loopback_range_usable())
            if options.dataplane
            else None
        )
        self.server = APIServer(
            self.registry,
            self.dataplane,
            token=token,
            ssl_context=ssl_context,
            port=options.port,
            bookmark_interval=options.bookmark_interval,
        )
        self.recorder = recorder = EventRecorder(self.registry)
        controllers = [
            DeploymentController(self.registry, recorder),
            ReplicaSetController(self.registry, recorder),
            Scheduler(self.registry, recorder),
            Kubelet(
                self.registry,
                recorder,
                dataplane=self.dataplane,
                start_delay=options.pod_start_delay,
                stop_delay=options.pod_stop_delay,
            ),
            EndpointsController(self.registry, recorder),
            GarbageCollector(self.registry, recorder),
        ]
        if options.load_balancer:
            controllers.append(LoadBalancerController(self.registry, recorder))
        if self.dataplane is not None:
            controllers.append(KubeProxy(self.registry, recorder, dataplane=self.dataplane))
        self.kubelet = controllers[3]
        self.controllers = ControllerManager(controllers)

    async def start(self) -> None:
        self._bootstrap()
        await self.server.start()
        self._bootstrap_api_service()
        if self.options.scale:
            from k9lite.demo.scale import populate

            populate(self.registry, self.options.scale)
        for name in self.options.scenarios:
            scenarios.apply(self.registry, name)
        self.store.listeners.append(self.controllers.on_event)
        self.controllers.start()

    def _bootstrap(self) -> None:
        for namespace in ("default", "kube-system", "kube-public", "kube-node-lease"):
            self.registry.create(resource("Namespace"), None, {"metadata": {"name": namespace}})
        count = max(1, min(self.options.nodes, MAX_NODES))
        for index, name in enumerate(node_names(count), start=1):
            node = _node(name, index, control_plane=name == "master")
            # Each node's kubelet registers it.
            with writing_as("kubelet"):
                created = self.registry.create(resource("Node"), None, node)
                registered = self.registry.write_status(resource("Node"), created, node["status"])
                record_node_registered(self.recorder, registered)

    def _bootstrap_api_service(self) -> None:
        """The `kubernetes` Service of every cluster, its endpoint the API server itself."""
        first_ip = str(SERVICE_CIDR.network_address + 1)
        self.registry.create(
            resource("Service"),
            "default",
            {
                "metadata": {
                    "name": "kubernetes",
                    "labels": {"component": "apiserver", "provider": "kubernetes"},
                },
                "spec": {
                    "clusterIP": first_ip,
                    "ports": [
                        {
                            "name": "https",
                            "port": 443,
                            "protocol": "TCP",
                            "targetPort": self.server.port,
                        }
                    ],
                },
            },
        )
        self.registry.create(
            resource("Endpoints"),
            "default",
            {
                "metadata": {"name": "kubernetes"},
                "subsets": [
                    {
                        "addresses": [{"ip": "127.0.0.1"}],
                        "ports": [{"name": "https", "port": self.server.port, "protocol": "TCP"}],
                    }
                ],
            },
        )
        self.registry.create(
            resource("EndpointSlice"),
            "default",
            {
                "metadata": {
                    "name": "kubernetes",
                    "labels": {"kubernetes.io/service-name": "kubernetes"},
                },
                "addressType": "IPv4",
                "endpoints": [{"addresses": ["127.0.0.1"], "conditions": {"ready": True}}],
                "ports": [{"name": "https", "port": self.server.port, "protocol": "TCP"}],
            },
        )

    async def stop(self) -> None:
        await self.controllers.stop()
        assert isinstance(self.kubelet, Kubelet)
        await self.kubelet.stop()
        await self.server.stop()
        if self.dataplane is not None:
            await self.dataplane.close()


def kubeconfig_document(server: str, ca_pem: bytes, token: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": CONTEXT_NAME,
                "cluster": {
                    "server": server,
                    "certificate-authority-data": base64.b64encode(ca_pem).decode(),
                },
            }
        ],
        "users": [{"name": DEMO_USER, "user": {"token": token}}],
        "contexts": [
            {
                "name": CONTEXT_NAME,
                "context": {"cluster": CONTEXT_NAME, "user": DEMO_USER, "namespace": "default"},
            }
        ],
        "current-context": CONTEXT_NAME,
    }


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    """The cluster thread: run the loop until stopped, then let closing connections finish."""
    asyncio.set_event_loop(loop)
    loop.run_forever()
    leftovers = asyncio.all_tasks(loop)
    for task in leftovers:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
    # Closed transports release their sockets one loop iteration later.
    for _ in range(3):
        loop.run_until_complete(asyncio.sleep(0))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    """The CA that signs the API server's certificate and the bearer token it accepts."""

    ca: trustme.CA
    token: str


class DemoCluster:
    """The demo cluster on a background thread, reached like any cluster through a kubeconfig.

    with DemoCluster() as cluster:
        subprocess.run(["kubectl", "--kubeconfig", cluster.kubeconfig_path, "get", "pods"])
    """

    def __init__(
        self,
        options: DemoOptions | None = None,
        *,
        kubeconfig_path: Path | None = None,
        credentials: DemoCredentials | None = None,
    ) -> None:
        """`credentials`: another cluster's CA and token (a restart with fresh state behind the
        same credentials); a new CA and token by default."""
        self.options = options or DemoOptions()
        if self.options.scale > self.options.max_pods:
            raise DemoStartError(
                f"{self.options.scale} pods asked for, over the cap of {self.options.max_pods}"
            )
        unknown = [s for s in self.options.scenarios if s not in scenarios.SCENARIOS]
        if unknown:
            raise DemoStartError(
                f"unknown scenario {unknown[0]!r}; choose from {', '.join(scenarios.SCENARIOS)}"
            )
        self.credentials = credentials or DemoCredentials(
            trustme.CA(organization_name="k9lite demo cluster"), secrets.token_urlsafe(32)
        )
        self.token = self.credentials.token
        self._ca = self.credentials.ca
        self.ca_pem: bytes = self._ca.cert_pem.bytes()
        self._requested_kubeconfig = kubeconfig_path
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self.kubeconfig_path = Path()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runtime: ClusterRuntime | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> DemoCluster:
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._ca.issue_cert("127.0.0.1", "localhost").configure_cert(ssl_context)
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(
            target=_serve, args=(loop,), name="k9lite-demo-cluster", daemon=True
        )
        self._thread.start()
        runtime = self._runtime = ClusterRuntime(
            self.options, token=self.token, ssl_context=ssl_context
        )
        try:
            self._run(runtime.start())
        except OSError as exc:
            self.stop()
            raise DemoStartError(
                f"cannot listen on 127.0.0.1:{self.options.port}: {exc.strerror or exc}"
            ) from None
        try:
            self._write_kubeconfig()
        except OSError as exc:
            self.stop()
            raise DemoStartError(
                f"cannot write the kubeconfig {exc.filename or ''}: {exc.strerror or exc}"
            ) from None
        return self

    def stop(self, timeout: float = 60.0) -> None:
        """Stop everything; past `timeout` seconds give up waiting (the thread is a daemon)."""
        if self._loop is None:
            return
        deadline = time.monotonic() + timeout
        if self._runtime is not None:
            with contextlib.suppress(concurrent.futures.TimeoutError):
                self._run(self._runtime.stop(), timeout)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=max(0.0, min(10.0, deadline - time.monotonic())))
        self._loop = None
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __enter__(self) -> DemoCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _write_kubeconfig(self) -> None:
        path = self._requested_kubeconfig
        if path is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="k9lite-demo-")
            path = Path(self._tempdir.name) / "kubeconfig"
        # The kubeconfig holds the token: readable by its owner only.
        write_private(path, kubeconfig_document(self.url, self.ca_pem, self.token))
        self.kubeconfig_path = path

    # -- access ---------------------------------------------------------------------------------

    @property
    def runtime(self) -> ClusterRuntime:
        if self._runtime is None:
            raise RuntimeError("the demo cluster is not running")
        return self._runtime

    @property
    def url(self) -> str:
        return self.runtime.server.url

    def _run(self, coro: Any, timeout: float = 60.0) -> Any:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise

    def call(self, fn: Callable[[ClusterRuntime], T], timeout: float = 10.0) -> T:
        """Run `fn(runtime)` on the cluster's loop, where its state may be read or changed."""

        async def call() -> T:
            return fn(self.runtime)

        result: T = self._run(call(), timeout)
        return result

    def wait_settled(self, timeout: float = 15.0) -> bool:
        """Wait until every Deployment has all its replicas updated and ready; False at timeout.

        For one-shot commands on a fresh cluster (`k9lite route --demo`), which would otherwise
        catch pods still starting.
        """

        def settled(rt: ClusterRuntime) -> bool:
            for deployment in rt.store.iter(resource("Deployment")):
                wanted = deployment["spec"].get("replicas", 1)
                status = deployment.get("status") or {}
                if (
                    status.get("readyReplicas", 0) != wanted
                    or status.get("updatedReplicas", 0) != wanted
                    or status.get("replicas", 0) != wanted
                ):
                    return False
            return True

        deadline = time.monotonic() + timeout
        pause = threading.Event()
        while not self.call(settled):
            if time.monotonic() >= deadline:
                return False
            pause.wait(0.05)
        return True

    def summary(self) -> str:
        """What a user needs to drive the cluster: where it is, its nodes, what to try."""

        def describe(rt: ClusterRuntime) -> tuple[list[str], list[str], list[str]]:
            nodes = [
                f"{n['metadata']['name']} {n['status']['addresses'][0]['address']}"
                for n in rt.store.iter(resource("Node"))
            ]
            node_ports = [
                f"{s['metadata']['name']} :{p['nodePort']}"
                for s in rt.store.iter(resource("Service"), "default")
                for p in s["spec"].get("ports", ())
                if p.get("nodePort")
            ]
            mapped = (
                [
                    f"{h}:{p} -> {bh}:{bp}"
                    for (h, p), (bh, bp) in sorted(rt.dataplane.port_mappings.items())
                ]
                if rt.dataplane
                else []
            )
            return nodes, node_ports, mapped

        nodes, node_ports, mapped = self.call(describe)
        lines = [
            f"k9lite demo cluster at {self.url}",
            f"  scenarios: {', '.join(self.options.scenarios) or 'none'}"
            + (f"; {self.options.scale} extra pods" if self.options.scale else ""),
            f"  nodes: {', '.join(nodes[:6])}" + (" ..." if len(nodes) > 6 else ""),
            f"kubeconfig: {self.kubeconfig_path}",
            "",
            f"  export KUBECONFIG={self.kubeconfig_path}",
            "",
            "Try:",
            "  kubectl get nodes,deploy,svc,pods -o wide",
        ]
        if node_ports and len(nodes) > 1:
            worker = nodes[1].split()[1]
            port = node_ports[0].split(":")[-1]
            lines.append(f"  for i in $(seq 10); do curl -s {worker}:{port} | grep Hello; done")
        if self.options.dataplane and not self.runtime.dataplane.loopback_range:  # type: ignore[union-attr]
            lines.append(
                "Note: only 127.0.0.1 can be bound here: every node, pod and Service "
                "listens on 127.0.0.1 and ports are remapped."
            )
        if mapped:
            lines.append("Ports that could not be bound without privileges listen elsewhere:")
            lines.extend(f"  {m}" for m in mapped)
        lines.append("Ctrl+C stops it.")
        return "\n".join(lines)

    # -- fault switches -------------------------------------------------------------------------

    def restart_api_server(self) -> None:
        """Close every connection and listen again on the same port; objects are kept."""
        self._run(self.runtime.server.restart())

    def drop_watches(self) -> None:
        self.call(lambda rt: rt.store.close_watches())

    def expire_watch_history(self) -> None:
        """Forget the watch history and end every watch: resuming gets 410 Gone."""

        def expire(rt: ClusterRuntime) -> None:
            rt.store.compact()
            rt.store.close_watches()

        self.call(expire)

    def forbid(self, plural: str, forbidden: bool = True) -> None:
        """Make every request for `plural` (e.g. "nodes") answer 403 Forbidden, or stop doing so."""

        def switch(rt: ClusterRuntime) -> None:
            if forbidden:
                rt.server.faults.forbidden.add(plural)
            else:
                rt.server.faults.forbidden.discard(plural)

        self.call(switch)

    def set_latency(self, seconds: float) -> None:
        def switch(rt: ClusterRuntime) -> None:
            rt.server.faults.latency = seconds

        self.call(switch)
