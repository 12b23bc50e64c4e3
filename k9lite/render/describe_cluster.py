"""Nodes and Namespaces as `kubectl describe` prints them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from k9lite.model.cluster import Namespace, Node
from k9lite.model.durations import human_duration
from k9lite.model.meta import Condition
from k9lite.model.state import ClusterState
from k9lite.render.describe_fields import (
    add_annotations,
    add_head,
    add_labels,
    describe_time,
    or_none,
)
from k9lite.render.literal import literal

__all__ = ["describe_namespace", "describe_node"]


def describe_node(lines: list[str], node: Node, state: ClusterState, now: datetime) -> None:
    add_head(lines, node.meta, namespaced=False)
    lines.append(f"Roles:\t{or_none(literal(','.join(node.roles)))}")
    add_labels(lines, "Labels", node.meta.labels)
    add_annotations(lines, node.meta.annotations)
    lines.append(f"CreationTimestamp:\t{describe_time(node.meta.creation_timestamp)}")
    lines.append(f"Unschedulable:\t{str(node.unschedulable).lower()}")
    _node_conditions(lines, node.conditions)
    lines.append("Addresses:")
    lines.extend(f"  {literal(a.type)}:\t{literal(a.address)}" for a in node.addresses)
    if node.kubelet_version:
        lines += ["System Info:", f"  Kubelet Version:\t{literal(node.kubelet_version)}"]
    if node.pod_cidr:
        lines.append(f"PodCIDR:\t{literal(node.pod_cidr)}")
    if node.pod_cidrs:
        lines.append(f"PodCIDRs:\t{literal(','.join(node.pod_cidrs))}")
    # Succeeded and Failed pods hold no resources on the node: kubectl leaves them out.
    pods = [p for p in state.pods_on_node(node.meta.name) if p.phase not in ("Succeeded", "Failed")]
    lines.append(f"Non-terminated Pods:\t({len(pods)} in total)")
    lines += ["  Namespace\tName\tAge", "  ---------\t----\t---"]
    for pod in pods:
        created = pod.meta.creation_timestamp
        age = "<unknown>" if created is None else human_duration(now - created)
        lines.append(f"  {literal(pod.meta.namespace)}\t{literal(pod.meta.name)}\t{age}")


def _node_conditions(lines: list[str], conditions: Iterable[Condition]) -> None:
    lines += [
        "Conditions:",
        "  Type\tStatus\tLastTransitionTime\tReason\tMessage",
        "  ----\t------\t------------------\t------\t-------",
    ]
    for c in conditions:
        cells = (c.type, c.status, describe_time(c.last_transition_time), c.reason)
        lines.append("  " + "".join(f"{literal(cell)} \t" for cell in cells) + literal(c.message))


def describe_namespace(lines: list[str], ns: Namespace, state: ClusterState, now: datetime) -> None:
    add_head(lines, ns.meta, namespaced=False)
    add_labels(lines, "Labels", ns.meta.labels)
    add_annotations(lines, ns.meta.annotations)
    lines.append(f"Status:\t{literal(ns.phase)}")
