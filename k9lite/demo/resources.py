"""The resource types the demo API server serves, as discovery describes them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RBAC_GROUP", "RESOURCES", "ResourceType", "find_resource"]

RBAC_GROUP = "rbac.authorization.k8s.io"
_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True, slots=True)
class ResourceType:
    """One REST resource: where it lives, what it is called, and what it supports."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()

    @property
    def group_version(self) -> str:
        """`v1` for the core group, `apps/v1` otherwise: the objects' apiVersion."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def qualified(self) -> str:
        """`deployments.apps`, as error messages name a resource."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def group_kind(self) -> str:
        """`Deployment.apps`, as Go prints a GroupKind in error messages."""
        return f"{self.kind}.{self.group}" if self.group else self.kind

    @property
    def verbs(self) -> tuple[str, ...]:
        return _VERBS


RESOURCES: tuple[ResourceType, ...] = (
    ResourceType("", "v1", "Namespace", "namespaces", False, ("ns",), (), ("status",)),
    ResourceType("", "v1", "Node", "nodes", False, ("no",), (), ("status",)),
    ResourceType("", "v1", "Pod", "pods", True, ("po",), ("all",), ("status",)),
    ResourceType("", "v1", "Service", "services", True, ("svc",), ("all",), ("status", "proxy")),
    ResourceType("", "v1", "Endpoints", "endpoints", True, ("ep",)),
    ResourceType("", "v1", "Event", "events", True, ("ev",)),
    ResourceType(
        "apps", "v1", "Deployment", "deployments", True, ("deploy",), ("all",), ("status", "scale")
    ),
    ResourceType(
        "apps", "v1", "ReplicaSet", "replicasets", True, ("rs",), ("all",), ("status", "scale")
    ),
    ResourceType("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", True),
    ResourceType(
        "networking.k8s.io", "v1", "Ingress", "ingresses", True, ("ing",), (), ("status",)
    ),
    # The same stored Events as core/v1, converted (see events_v1).
    ResourceType("events.k8s.io", "v1", "Event", "events", True, ("ev",)),
    ResourceType(RBAC_GROUP, "v1", "ClusterRoleBinding", "clusterrolebindings", False),
    ResourceType(RBAC_GROUP, "v1", "ClusterRole", "clusterroles", False),
    ResourceType(RBAC_GROUP, "v1", "RoleBinding", "rolebindings", True),
    ResourceType(RBAC_GROUP, "v1", "Role", "roles", True),
)

_BY_PATH = {(r.group, r.version, r.plural): r for r in RESOURCES}


def find_resource(group: str, version: str, plural: str) -> ResourceType | None:
    """The resource served at /api[s]/GROUP/VERSION/PLURAL, if this server has it."""
    return _BY_PATH.get((group, version, plural))
