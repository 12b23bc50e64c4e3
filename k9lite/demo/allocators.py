"""Allocators: ClusterIPs, NodePorts and load-balancer IPs, in the cluster's address block
(`address_plan`).
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable
from typing import Any

from k9lite.demo.address_plan import AddressBlock
from k9lite.demo.store import StoreEvent

__all__ = [
    "NODE_PORT_RANGE",
    "ServiceAllocations",
    "allocate_cluster_ip",
    "allocate_load_balancer_ip",
    "allocate_node_port",
]

NODE_PORT_RANGE = range(30000, 32768)


class ServiceAllocations:
    """ClusterIPs and NodePorts in use, by Service uid, kept from the store's Service events."""

    def __init__(self) -> None:
        self._cluster_ips: dict[str, str] = {}
        self._node_ports: dict[int, str] = {}

    def observe(self, event: StoreEvent) -> None:
        if event.resource.kind != "Service":
            return
        if event.old is not None:
            self._release(event.old)
        if event.type != "DELETED":
            self._claim(event.obj)

    def _claim(self, svc: dict[str, Any]) -> None:
        uid = svc["metadata"]["uid"]
        for address in _cluster_ips(svc):
            self._cluster_ips[address] = uid
        for port in _node_ports(svc):
            self._node_ports[port] = uid

    def _release(self, svc: dict[str, Any]) -> None:
        uid = svc["metadata"]["uid"]
        for address in _cluster_ips(svc):
            if self._cluster_ips.get(address) == uid:
                del self._cluster_ips[address]
        for port in _node_ports(svc):
            if self._node_ports.get(port) == uid:
                del self._node_ports[port]

    def cluster_ip_taken(self, address: str, *, by_other_than: str) -> bool:
        return self._cluster_ips.get(address, by_other_than) != by_other_than

    def node_ports_taken(self, *, by_other_than: str) -> set[int]:
        return {port for port, uid in self._node_ports.items() if uid != by_other_than}


def _cluster_ips(svc: dict[str, Any]) -> list[str]:
    return [ip for ip in svc.get("spec", {}).get("clusterIPs") or () if ip != "None"]


def _node_ports(svc: dict[str, Any]) -> list[int]:
    return [p["nodePort"] for p in svc.get("spec", {}).get("ports") or () if p.get("nodePort")]


def allocate_cluster_ip(
    block: AddressBlock, taken: Callable[[str], bool], rng: random.Random
) -> str | None:
    """A free address of the block's Service CIDR; .1 is the `kubernetes` Service's, as on
    real clusters."""
    first = int(block.service_cidr.network_address) + 1
    if not taken(str(ipaddress.ip_address(first))):
        return str(ipaddress.ip_address(first))
    size = block.service_cidr.num_addresses - 2
    # Random probing first (as the real allocator spreads), then a scan, so a full range is exact.
    for _ in range(64):
        candidate = str(ipaddress.ip_address(first + rng.randrange(1, size)))
        if not taken(candidate):
            return candidate
    for offset in range(1, size):
        candidate = str(ipaddress.ip_address(first + offset))
        if not taken(candidate):
            return candidate
    return None


def allocate_node_port(taken: set[int], rng: random.Random) -> int | None:
    free = [port for port in NODE_PORT_RANGE if port not in taken]
    return rng.choice(free) if free else None


def allocate_load_balancer_ip(block: AddressBlock, taken: set[str]) -> str | None:
    for host in range(1, 255):
        candidate = block.load_balancer_address(host)
        if candidate not in taken:
            return candidate
    return None
