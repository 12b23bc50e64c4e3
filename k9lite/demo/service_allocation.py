"""A Service's ClusterIP and NodePorts on create and update: kept, allocated or refused.

The part of kube-apiserver's service REST storage that needs the cluster's allocations, so it
runs in the registry (which owns the store) rather than in the Service's strategy.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from k9lite.demo import allocators
from k9lite.demo.address_plan import AddressBlock
from k9lite.demo.validation import Cause

__all__ = ["allocate_service", "keep_service_allocations"]


def allocate_service(
    block: AddressBlock,
    allocations: allocators.ServiceAllocations,
    rng: random.Random,
    svc: dict[str, Any],
) -> list[Cause]:
    """ClusterIP and NodePorts: keep what the Service asks for if free, else allocate; the
    causes of a 422 when that cannot be done."""
    spec = svc["spec"]
    uid = svc["metadata"]["uid"]
    causes: list[Cause] = []
    if spec.get("type") == "ExternalName":
        spec.pop("clusterIP", None)
        spec.pop("clusterIPs", None)
    elif spec.get("clusterIP") != "None":

        def taken(address: str) -> bool:
            return allocations.cluster_ip_taken(address, by_other_than=uid)

        wanted = spec.get("clusterIP")
        if not wanted:
            wanted = allocators.allocate_cluster_ip(block, taken, rng)
            if wanted is None:
                causes.append(Cause("spec.clusterIPs", "range is full", "FieldValueInvalid"))
        elif taken(wanted):
            causes.append(
                Cause(
                    "spec.clusterIPs",
                    f"Invalid value: {wanted!r}: failed to allocate IP "
                    f"{wanted}: provided IP is already allocated",
                    "FieldValueInvalid",
                )
            )
        elif not block.in_service_cidr(wanted):
            causes.append(
                Cause(
                    "spec.clusterIPs",
                    f"Invalid value: {wanted!r}: failed to allocate IP "
                    f"{wanted}: the provided IP ({wanted}) is not in the valid "
                    f"range. The range of valid IPs is "
                    f"{block.service_cidr}",
                    "FieldValueInvalid",
                )
            )
        if wanted:
            spec["clusterIP"] = wanted
            spec["clusterIPs"] = [wanted]
    else:
        spec["clusterIPs"] = ["None"]
    if spec.get("type") in ("NodePort", "LoadBalancer"):
        taken_ports = allocations.node_ports_taken(by_other_than=uid)
        for index, port in enumerate(spec.get("ports", ())):
            wanted_port = port.get("nodePort")
            if wanted_port in taken_ports:
                causes.append(
                    Cause(
                        f"spec.ports[{index}].nodePort",
                        f"Invalid value: {wanted_port}: provided port is already allocated",
                        "FieldValueInvalid",
                    )
                )
            elif not wanted_port:
                allocated = allocators.allocate_node_port(taken_ports, rng)
                if allocated is None:
                    causes.append(
                        Cause(
                            f"spec.ports[{index}].nodePort",
                            "range is full",
                            "FieldValueInvalid",
                        )
                    )
                else:
                    port["nodePort"] = allocated
            taken_ports.add(port.get("nodePort", 0))
    return causes


def keep_service_allocations(new: dict[str, Any], old: dict[str, Any]) -> None:
    """A Service keeps its ClusterIP and NodePorts across updates that leave them out."""
    spec, old_spec = new.setdefault("spec", {}), old.get("spec", {})
    if spec.get("type") == "ExternalName" or old_spec.get("type") == "ExternalName":
        return
    if not spec.get("clusterIP") and old_spec.get("clusterIP"):
        spec["clusterIP"] = old_spec["clusterIP"]
        spec["clusterIPs"] = old_spec.get("clusterIPs", [old_spec["clusterIP"]])
    if spec.get("type") in ("NodePort", "LoadBalancer"):
        old_ports = {
            (p.get("port"), p.get("protocol", "TCP")): p.get("nodePort")
            for p in old_spec.get("ports", ())
        }
        for port in spec.get("ports", ()):
            previous = old_ports.get((port.get("port"), port.get("protocol", "TCP")))
            if not port.get("nodePort") and previous:
                port["nodePort"] = previous
    else:
        # Leaving NodePort/LoadBalancer drops what only applies there, as the real server's
        # dropTypeDependentFields does, unless the update sets it anew.
        for port in spec.get("ports", ()):
            if port.get("nodePort") and port.get("nodePort") == _old_node_port(old_spec, port):
                del port["nodePort"]
        for field in ("externalTrafficPolicy", "healthCheckNodePort"):
            if field in spec and spec[field] == old_spec.get(field):
                del spec[field]
    if spec.get("type") != "LoadBalancer":
        for field in ("allocateLoadBalancerNodePorts", "loadBalancerClass"):
            if field in spec and spec[field] == old_spec.get(field):
                del spec[field]


def _old_node_port(old_spec: Mapping[str, Any], port: Mapping[str, Any]) -> int | None:
    for candidate in old_spec.get("ports", ()):
        if candidate.get("port") == port.get("port"):
            node_port: int | None = candidate.get("nodePort")
            return node_port
    return None
