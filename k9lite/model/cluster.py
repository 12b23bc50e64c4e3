"""Nodes and Namespaces: where pods run and the scopes objects live in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from k9lite.model.fields import boolean, each, nested, string, strings
from k9lite.model.meta import Condition, ObjectMeta, decode_conditions, decode_object

__all__ = ["Namespace", "Node", "NodeAddress", "decode_namespace", "decode_node"]

_ROLE_PREFIX = "node-role.kubernetes.io/"
_LEGACY_ROLE_LABEL = "kubernetes.io/role"


@dataclass(frozen=True, slots=True)
class NodeAddress:
    type: str  # InternalIP, ExternalIP, Hostname...
    address: str


@dataclass(frozen=True, slots=True)
class Node:
    """A node: its roles, readiness and the addresses NodePorts are reached on."""

    meta: ObjectMeta
    unschedulable: bool = False
    pod_cidr: str = ""
    pod_cidrs: tuple[str, ...] = ()
    addresses: tuple[NodeAddress, ...] = ()
    conditions: tuple[Condition, ...] = ()
    kubelet_version: str = ""

    @property
    def roles(self) -> tuple[str, ...]:
        """kubectl's ROLES: from `node-role.kubernetes.io/<role>` and `kubernetes.io/role`."""
        roles = set()
        for key, value in self.meta.labels.items():
            if key.startswith(_ROLE_PREFIX) and len(key) > len(_ROLE_PREFIX):
                roles.add(key[len(_ROLE_PREFIX) :])
            elif key == _LEGACY_ROLE_LABEL and value:
                roles.add(value)
        return tuple(sorted(roles))

    @property
    def ready_condition(self) -> Condition | None:
        return next((c for c in self.conditions if c.type == "Ready"), None)

    @property
    def ready(self) -> bool:
        ready = self.ready_condition
        return ready is not None and ready.is_true

    @property
    def status(self) -> str:
        """kubectl's STATUS: Ready, NotReady or Unknown, then `,SchedulingDisabled`."""
        ready = self.ready_condition
        if ready is None or ready.status not in ("True", "False"):
            text = "Unknown"
        else:
            text = "Ready" if ready.is_true else "NotReady"
        return text + (",SchedulingDisabled" if self.unschedulable else "")

    @property
    def internal_ips(self) -> tuple[str, ...]:
        return tuple(a.address for a in self.addresses if a.type == "InternalIP")

    @property
    def external_ips(self) -> tuple[str, ...]:
        return tuple(a.address for a in self.addresses if a.type == "ExternalIP")


@dataclass(frozen=True, slots=True)
class Namespace:
    meta: ObjectMeta
    phase: str = "Active"  # or Terminating


def _address(raw: Mapping[str, Any]) -> NodeAddress:
    return NodeAddress(type=string(raw, "type"), address=string(raw, "address"))


def _node_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "unschedulable": boolean(spec, "unschedulable"),
        "pod_cidr": string(spec, "podCIDR"),
        "pod_cidrs": strings(spec, "podCIDRs"),
    }


def _node_status(status: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "addresses": each(status, "addresses", _address),
        "conditions": decode_conditions(status),
        "kubelet_version": nested(status, "nodeInfo", lambda info: string(info, "kubeletVersion")),
    }


def _node(meta: ObjectMeta, raw: Mapping[str, Any]) -> Node:
    return Node(meta, **nested(raw, "spec", _node_spec), **nested(raw, "status", _node_status))


def _namespace(meta: ObjectMeta, raw: Mapping[str, Any]) -> Namespace:
    return Namespace(meta, phase=nested(raw, "status", lambda s: string(s, "phase", "Active")))


def decode_node(raw: Mapping[str, Any]) -> Node:
    """A v1 Node as the API returns it; DecodeError if malformed."""
    return decode_object("Node", raw, _node)


def decode_namespace(raw: Mapping[str, Any]) -> Namespace:
    """A v1 Namespace as the API returns it; DecodeError if malformed."""
    return decode_object("Namespace", raw, _namespace)
