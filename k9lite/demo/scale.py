"""`--scale N`: many pods over many Deployments, Services, namespaces and nodes, for benchmarks.

The objects are made already settled (pods bound and Running, with IPs) instead of going through
the scheduler and kubelets one by one, and the ReplicaSet, Deployment and EndpointSlice
controllers write what they have to for each Deployment and Service as soon as it is made: their
first pass at the cluster's start then finds nothing to write (the same objects, made while the
store is small and the collector paused, and no watch history of them kept). Their pods run no
web server: the data plane is for the walkthroughs.
"""

from __future__ import annotations

import gc
import ipaddress
from typing import Any

from k9lite.demo.controllers.base import Controller
from k9lite.demo.controllers.deployments import DeploymentController
from k9lite.demo.controllers.pod_status import mark_running
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.controllers.replica_sets import ReplicaSetController
from k9lite.demo.controllers.services import EndpointsController
from k9lite.demo.controllers.workload_objects import pod_for, pod_template_hash, replica_set_for
from k9lite.demo.managed_fields import writing_as
from k9lite.demo.registry import Registry, resource
from k9lite.demo.scale_replay import Group, GroupRecorder, Replay

__all__ = ["populate"]

PODS_PER_DEPLOYMENT = 5
PODS_PER_NAMESPACE = 500


def populate(registry: Registry, pods: int, *, replay: bool = True) -> None:
    """Create `pods` Running pods, 5 per Deployment and Service, 500 per namespace.

    The first Deployment of 5 goes through the API rules and the controllers; the others are
    its objects made again with their own names, uids, nodes and IPs (scale_replay.py), unless
    `replay` is False (every one through the API: what the tests hold the replay to).

    The cyclic collector is paused meanwhile, and what exists after is frozen (never scanned
    again): the objects are acyclic JSON, freed by reference counting, and each full collection
    would walk all of them (a full pass over 50,000 pods' dicts takes seconds, and the
    collections that growing the heap triggers made the start quadratic). The watch history of
    these writes is then forgotten, as a starting kube-apiserver's watch cache has none: kept, it
    held every pod twice (as created and as Running), half the cluster's memory.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        _populate(registry, pods, replay=replay)
    finally:
        registry.store.compact()
        gc.freeze()
        if enabled:
            gc.enable()


def _populate(registry: Registry, pods: int, *, replay: bool) -> None:
    store = registry.store
    workers = [
        n
        for n in store.iter(resource("Node"))
        if "node-role.kubernetes.io/control-plane" not in n["metadata"].get("labels", {})
    ] or list(store.iter(resource("Node")))
    free_hosts = {
        n["metadata"]["name"]: ipaddress.ip_network(n["spec"]["podCIDR"]).hosts() for n in workers
    }
    for hosts in free_hosts.values():
        next(hosts)  # .1 is the node's bridge, as on a CNI's pod network

    def pod_ip(node: dict[str, Any]) -> str:
        return str(next(free_hosts[node["metadata"]["name"]]))

    namespaces = -(-pods // PODS_PER_NAMESPACE)
    recorder = EventRecorder(registry)
    controllers: list[Controller] = [
        ReplicaSetController(registry, recorder),
        DeploymentController(registry, recorder),
        EndpointsController(registry, recorder),
    ]
    replayed: Replay | None = None
    created = 0
    index = 0
    while created < pods:
        namespace = f"scale-{index % namespaces:03d}"
        if store.find(resource("Namespace"), "", namespace) is None:
            registry.create(resource("Namespace"), None, {"metadata": {"name": namespace}})
        replicas = min(PODS_PER_DEPLOYMENT, pods - created)
        name = f"app-{index:05d}"
        nodes = [workers[(created + i) % len(workers)] for i in range(replicas)]
        ips = [pod_ip(node) for node in nodes]
        if (
            replayed is None
            or replicas != PODS_PER_DEPLOYMENT
            or not replayed.make(Group(namespace, name, nodes, ips))
        ):
            recording = GroupRecorder()
            store.listeners.append(recording)
            try:
                _group(registry, controllers, namespace, name, nodes, ips)
            finally:
                store.listeners.remove(recording)
            if replay and replayed is None and replicas == PODS_PER_DEPLOYMENT:
                replayed = Replay(registry, recording.objects)
        created += replicas
        index += 1


def _group(
    registry: Registry,
    controllers: list[Controller],
    namespace: str,
    name: str,
    nodes: list[dict[str, Any]],
    ips: list[str],
) -> None:
    """One Deployment, its Service and pods (on `nodes`, with `ips`), through the API rules and
    the controllers."""
    store = registry.store
    replicas = len(nodes)
    # Each write is attributed to whoever makes it on a real cluster (managedFields).
    with writing_as("kubectl-create"):
        deploy = registry.create(resource("Deployment"), namespace, _deployment(name, replicas))
        registry.create(
            resource("Service"),
            namespace,
            {
                "metadata": {"name": name, "labels": {"app": name}},
                "spec": {
                    "selector": {"app": name},
                    "ports": [{"port": 80, "targetPort": 8080}],
                },
            },
        )
    template_hash = pod_template_hash(deploy["spec"]["template"])
    with writing_as("kube-controller-manager"):
        rs = registry.create(
            resource("ReplicaSet"),
            namespace,
            replica_set_for(deploy, template_hash, revision=1, replicas=replicas),
        )
    for node, ip in zip(nodes, ips, strict=True):
        pod_name = ""
        # 5 random letters: about 1 run of 100,000 pods in 70 draws a name twice.
        while not pod_name or store.find(resource("Pod"), namespace, pod_name) is not None:
            pod_name = f"{rs['metadata']['name']}-{registry.random_suffix()}"
        pod = pod_for(rs, pod_name)
        pod["spec"]["nodeName"] = node["metadata"]["name"]
        with writing_as("kube-controller-manager"):
            running = _status_copy(registry.create(resource("Pod"), namespace, pod))
        mark_running(running, node, ip)
        with writing_as("kubelet"):
            store.replace(resource("Pod"), running)
    # What the controllers write for them, by the controllers, in the order that writes
    # each once: the ReplicaSet's status, the Deployment's revision and final status (were
    # the Deployment first, its first status would say unavailable), the Service's slice.
    for controller, key in (
        (controllers[0], rs["metadata"]["name"]),
        (controllers[1], name),
        (controllers[2], name),
    ):
        with writing_as(controller.field_manager):
            controller.reconcile((namespace, key))


def _status_copy(pod: dict[str, Any]) -> dict[str, Any]:
    """A copy of a stored pod whose metadata, status and conditions list may be changed (what
    mark_running changes); the rest is the stored pod's own, shared (stored dicts never change)."""
    status = dict(pod.get("status") or {})
    if "conditions" in status:
        status["conditions"] = list(status["conditions"])
    return {**pod, "metadata": dict(pod["metadata"]), "status": status}


def _deployment(name: str, replicas: int) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "registry.k8s.io/e2e-test-images/agnhost:2.53",
                            "ports": [{"containerPort": 8080}],
                        }
                    ]
                },
            },
        },
    }
