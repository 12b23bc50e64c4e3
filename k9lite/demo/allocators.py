"""Address plan and allocators: ClusterIPs, NodePorts and load-balancer IPs.

Every network of the demo cluster is a loopback range, so that `curl NODE:NODEPORT` or
`curl CLUSTER-IP:PORT` works from the user's shell, and so that nothing it does ever leaves the
machine: nodes 127.0.1.N, pods 127.244.N.0/24 (one /24 per node, as flannel's 10.244.N.0/24),
Services 127.96.0.0/16, load balancers 127.0.2.N.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterable
from typing import Any

__all__ = [
    "MAX_NODES",
    "NODE_PORT_RANGE",
    "SERVICE_CIDR",
    "allocate_cluster_ip",
    "allocate_load_balancer_ip",
    "allocate_node_port",
    "in_service_cidr",
    "node_address",
    "pod_cidr",
    "used_cluster_ips",
]

SERVICE_CIDR = ipaddress.ip_network("127.96.0.0/16")
NODE_PORT_RANGE = range(30000, 32768)
MAX_NODES = 250


def node_address(index: int) -> str:
    """The InternalIP of the index-th node (from 1)."""
    return f"127.0.1.{index}"


def pod_cidr(index: int) -> str:
    """The pod CIDR of the index-th node (from 1)."""
    return f"127.244.{index}.0/24"


def in_service_cidr(address: str) -> bool:
    try:
        return ipaddress.ip_address(address) in SERVICE_CIDR
    except ValueError:
        return False


def used_cluster_ips(services: Iterable[dict[str, Any]]) -> set[str]:
    return {ip for svc in services for ip in svc.get("spec", {}).get("clusterIPs", ())}


def allocate_cluster_ip(taken: set[str], rng: random.Random) -> str | None:
    """A free address of SERVICE_CIDR; .1 is the `kubernetes` Service's, as on real clusters."""
    first = int(SERVICE_CIDR.network_address) + 1
    if str(ipaddress.ip_address(first)) not in taken:
        return str(ipaddress.ip_address(first))
    size = SERVICE_CIDR.num_addresses - 2
    # Random probing first (as the real allocator spreads), then a scan, so a full range is exact.
    for _ in range(64):
        candidate = str(ipaddress.ip_address(first + rng.randrange(1, size)))
        if candidate not in taken:
            return candidate
    for offset in range(1, size):
        candidate = str(ipaddress.ip_address(first + offset))
        if candidate not in taken:
            return candidate
    return None


def allocate_node_port(taken: set[int], rng: random.Random) -> int | None:
    free = [port for port in NODE_PORT_RANGE if port not in taken]
    return rng.choice(free) if free else None


def allocate_load_balancer_ip(taken: set[str]) -> str | None:
    for host in range(1, 255):
        candidate = f"127.0.2.{host}"
        if candidate not in taken:
            return candidate
    return None
