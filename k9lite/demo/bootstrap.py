"""The objects every demo cluster starts with, before any scenario: its namespaces, its nodes
(each registered by its kubelet), the RBAC policy, and the `kubernetes` Service.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from k9lite.demo.address_plan import AddressBlock
from k9lite.demo.controllers.node_events import record_node_registered
from k9lite.demo.controllers.recorder import EventRecorder
from k9lite.demo.discovery import KUBERNETES_VERSION
from k9lite.demo.managed_fields import writing_as
from k9lite.demo.rbac.aggregation import aggregate_all
from k9lite.demo.rbac.policy import bootstrap_policy
from k9lite.demo.rbac.users import DemoUser
from k9lite.demo.registry import Registry, resource
from k9lite.demo.timestamps import now_rfc3339

__all__ = ["bootstrap", "bootstrap_api_service", "node_names"]


def _node(addresses: AddressBlock, name: str, index: int, *, control_plane: bool) -> dict[str, Any]:
    machine_id = uuid.uuid4().hex
    labels = {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
    }
    spec: dict[str, Any] = {
        "podCIDR": addresses.pod_cidr(index),
        "podCIDRs": [addresses.pod_cidr(index)],
    }
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
                {"type": "InternalIP", "address": addresses.node_address(index)},
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


def bootstrap(registry: Registry, recorder: EventRecorder, *, users: tuple[DemoUser, ...]) -> None:
    """The namespaces, the nodes its address block is planned for and the RBAC policy with
    `users`."""
    for namespace in ("default", "kube-system", "kube-public", "kube-node-lease"):
        registry.create(resource("Namespace"), None, {"metadata": {"name": namespace}})
    for index, name in enumerate(node_names(registry.addresses.nodes), start=1):
        node = _node(registry.addresses, name, index, control_plane=name == "master")
        # Each node's kubelet registers it.
        with writing_as("kubelet"):
            created = registry.create(resource("Node"), None, node)
            registered = registry.write_status(resource("Node"), created, node["status"])
            record_node_registered(recorder, registered)
    bootstrap_policy(registry, users)
    # Aggregated before the first request: admin, edit and view are usable at once.
    aggregate_all(registry)


def bootstrap_api_service(registry: Registry, port: int) -> None:
    """The `kubernetes` Service of every cluster, its endpoint the API server itself on `port`."""
    first_ip = str(registry.addresses.service_cidr.network_address + 1)
    registry.create(
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
                        "targetPort": port,
                    }
                ],
            },
        },
    )
    registry.create(
        resource("Endpoints"),
        "default",
        {
            "metadata": {"name": "kubernetes"},
            "subsets": [
                {
                    "addresses": [{"ip": "127.0.0.1"}],
                    "ports": [{"name": "https", "port": port, "protocol": "TCP"}],
                }
            ],
        },
    )
    registry.create(
        resource("EndpointSlice"),
        "default",
        {
            "metadata": {
                "name": "kubernetes",
                "labels": {"kubernetes.io/service-name": "kubernetes"},
            },
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["127.0.0.1"], "conditions": {"ready": True}}],
            "ports": [{"name": "https", "port": port, "protocol": "TCP"}],
        },
    )
