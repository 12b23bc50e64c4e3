"""The fault bench: a demo cluster, an optional proxy in front, a watcher, and kubectl's truth.

The watcher feeds a real `ClusterState` through `Recorder`, which also keeps every status it was
given; `truth()` is what the real kubectl reports through the same kubeconfig, and `converged()`
waits until the state holds exactly those objects (uid and resourceVersion, no more, no less).
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import orjson

from k9lite.demo.cluster import DemoCluster, DemoOptions, kubeconfig_document
from k9lite.demo.kubeconfig_file import write_private
from k9lite.kube import ClusterWatcher, KindStatus, load_connection
from k9lite.kube.api import DEFAULT_KINDS
from k9lite.kube.watch import Timeouts
from k9lite.model.state import ClusterState
from tests.conftest import Kubectl, wait_for
from tests.faults.proxies import HttpFaultProxy, TcpFaultProxy

Front = Literal["direct", "tcp", "http"]

# Settled in ~0.15 s; bookmarks every 0.2 s of silence, so a 1 s silence is a stall.
OPTIONS = DemoOptions(
    dataplane=False, pod_start_delay=0.05, pod_stop_delay=0.05, bookmark_interval=0.2
)
TIMEOUTS = Timeouts(connect=1.0, read=2.0, watch_idle=1.0)
BACKOFF = (0.05, 0.4)
# kubectl's names for the watcher's kinds, in one `kubectl get`.
KUBECTL_KINDS = ",".join(
    "endpointslices.discovery.k8s.io" if kind == "endpointslices" else kind
    for kind in DEFAULT_KINDS
)
PLURALS = {
    "Namespace": "namespaces",
    "Node": "nodes",
    "Pod": "pods",
    "Service": "services",
    "EndpointSlice": "endpointslices",
    "Deployment": "deployments",
    "ReplicaSet": "replicasets",
    "Ingress": "ingresses",
}
Snapshot = dict[str, dict[tuple[str, str], tuple[str, str]]]


class Recorder:
    """A StateSink: objects into a ClusterState, and each kind's statuses and relists counted."""

    def __init__(self) -> None:
        self.state = ClusterState()
        self._lock = threading.Lock()
        self.statuses: dict[str, list[KindStatus]] = {}
        self.relists: Counter[str] = Counter()

    def replace(self, kind: str, raws: list[dict[str, Any]]) -> None:
        self.state.replace(kind, raws)
        with self._lock:
            self.relists[kind] += 1

    def apply(self, kind: str, event_type: str, raw: dict[str, Any]) -> None:
        self.state.apply(kind, event_type, raw)

    def status(self, kind: str, status: KindStatus) -> None:
        with self._lock:
            self.statuses.setdefault(kind, []).append(status)

    def latest(self) -> dict[str, KindStatus]:
        with self._lock:
            return {kind: history[-1] for kind, history in self.statuses.items() if history}

    def all_live(self) -> bool:
        latest = self.latest()
        return len(latest) == len(DEFAULT_KINDS) and all(s.state == "live" for s in latest.values())

    def mark(self) -> dict[str, int]:
        """Where each kind's status history stands now, for `since`."""
        with self._lock:
            return {kind: len(history) for kind, history in self.statuses.items()}

    def since(self, mark: dict[str, int]) -> list[KindStatus]:
        """Every status reported after `mark`, all kinds together."""
        with self._lock:
            return [s for k, h in self.statuses.items() for s in h[mark.get(k, 0) :]]

    def snapshot(self) -> Snapshot:
        return {
            kind: {
                (o.meta.namespace, o.meta.name): (o.meta.uid, o.meta.resource_version)
                for o in self.state.objects(kind)
            }
            for kind in DEFAULT_KINDS
        }


def write_kubeconfig(path: Path, server: str, ca_pem: bytes, token: str) -> None:
    """Write a kubeconfig as a restarted cluster would: whole, by rename, owner-only."""
    write_private(path, kubeconfig_document(server, ca_pem, token))


class FaultBench:
    """A demo cluster reached `front`: directly, through the TCP proxy or the HTTP proxy.

    The watcher and kubectl share `kubeconfig`: the demo's own file when direct, else one
    naming the proxy (with the cluster's CA through TCP, the proxy's CA through HTTP).
    """

    def __init__(self, directory: Path, front: Front) -> None:
        self.directory = directory
        self.front = front
        self.demo = DemoCluster(OPTIONS, kubeconfig_path=directory / "demo-kubeconfig").start()
        self.port = self.demo.runtime.server.port
        self.tcp = TcpFaultProxy(self.port) if front == "tcp" else None
        self.http = HttpFaultProxy(self.demo.url, self.demo.ca_pem) if front == "http" else None
        self.kubeconfig = self.demo.kubeconfig_path if front == "direct" else directory / "kc"
        self.publish_kubeconfig()
        self.kubectl = Kubectl(self.kubeconfig, directory / "kube-cache")
        self.recorder = Recorder()
        self.watcher: ClusterWatcher | None = None

    def publish_kubeconfig(self) -> None:
        """Give the watcher's kubeconfig the cluster's current credentials (via the proxy)."""
        if self.tcp is not None:
            write_kubeconfig(self.kubeconfig, self.tcp.url, self.demo.ca_pem, self.demo.token)
        elif self.http is not None:
            ca_pem = self.http.ca.cert_pem.bytes()
            write_kubeconfig(self.kubeconfig, self.http.url, ca_pem, self.demo.token)

    def watch(self) -> ClusterWatcher:
        self.watcher = ClusterWatcher(
            load_connection(str(self.kubeconfig)),
            self.recorder,
            namespace=None,
            watch_timeout=30,
            timeouts=TIMEOUTS,
            backoff=BACKOFF,
            forbidden_retry=0.5,
        ).start()
        return self.watcher

    def restart(self, *, fresh: bool, new_credentials: bool) -> None:
        """Stop the cluster and start one on the same port and kubeconfig path.

        `fresh`: a new store (else the same objects); `new_credentials`: a new CA and token,
        written to the demo's kubeconfig as `demo-cluster --kubeconfig-out` does.
        """
        if not fresh:
            assert not new_credentials, "the demo keeps its credentials across restarts"
            self.demo.restart_api_server()
            return
        old = self.demo
        old.stop()
        self.demo = DemoCluster(
            dataclasses.replace(OPTIONS, port=self.port),
            kubeconfig_path=old.kubeconfig_path,
            credentials=None if new_credentials else old.credentials,
        ).start()

    def truth(self) -> Snapshot:
        """Every object of the watched kinds as `kubectl get -A -o json` reports them."""
        listing = orjson.loads(self.kubectl("get", KUBECTL_KINDS, "-A", "-o", "json"))
        found: Snapshot = {kind: {} for kind in DEFAULT_KINDS}
        for item in listing["items"]:
            meta = item["metadata"]
            key = (meta.get("namespace", ""), meta["name"])
            found[PLURALS[item["kind"]]][key] = (meta["uid"], meta["resourceVersion"])
        return found

    def converged(self, timeout: float = 15.0) -> Snapshot:
        """Wait until the watcher's state is exactly kubectl's truth and every kind is live."""

        def same() -> Snapshot | None:
            if not self.recorder.all_live():
                return None
            truth = self.truth()
            return truth if self.recorder.snapshot() == truth else None

        return wait_for(same, timeout=timeout, message="the state to match kubectl get")

    def close(self) -> None:
        if self.watcher is not None:
            assert self.watcher.stop(timeout=5), "a watch thread outlived stop()"
        self.demo.stop()
        for proxy in (self.tcp, self.http):
            if proxy is not None:
                proxy.close()
