"""A REST resource type, as discovery describes it; the kinds that are served live in `kinds/`."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RBAC_GROUP", "ResourceType"]

RBAC_GROUP = "rbac.authorization.k8s.io"
_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True, slots=True)
class ResourceType:
    """One REST resource: where it lives, what it is called, and what it supports.

    Two values are the same resource when group, version and plural agree: a custom resource
    keeps its stored objects when its CRD changes its short names or categories.
    """

    group: str
    version: str
    kind: str = field(compare=False)
    plural: str
    namespaced: bool = field(compare=False)
    short_names: tuple[str, ...] = field(default=(), compare=False)
    categories: tuple[str, ...] = field(default=(), compare=False)
    subresources: tuple[str, ...] = field(default=(), compare=False)
    verbs: tuple[str, ...] = field(default=_VERBS, compare=False)
    """What discovery says may be done: ("create",) for the reviews, which are never stored."""

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
