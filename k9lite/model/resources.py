"""One REST resource of the API server, as discovery describes it, and where it lives."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

__all__ = ["Resource"]


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource: its group, version and plural (its path), its Kind, its scope and names.

    `short_names` and `singular` are what kubectl accepts for it (`po`, `pod`); `verbs` says
    whether it can be listed and watched at all (`pods/log` and `bindings` cannot).
    """

    group: str
    version: str
    plural: str
    kind: str
    namespaced: bool
    singular: str = ""
    short_names: tuple[str, ...] = ()
    verbs: frozenset[str] = field(default=frozenset({"get", "list", "watch", "delete"}))

    @property
    def prefix(self) -> str:
        """`/api/v1` for the core group, `/apis/GROUP/VERSION` for the others."""
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"

    @property
    def qualified(self) -> str:
        """`deployments.apps`, `pods`: how kubectl names a resource unambiguously."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def api_version(self) -> str:
        """The objects' apiVersion: `v1`, `apps/v1`."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def one(self) -> str:
        """How kubectl names one object's type: `replicaset` (`replicaset/web-5d8f9c`)."""
        return self.singular or self.kind.lower() or self.plural

    @property
    def watchable(self) -> bool:
        return {"list", "watch"} <= self.verbs

    def path(
        self, namespace: str | None = None, name: str | None = None, subresource: str = ""
    ) -> str:
        """The collection (across namespaces when `namespace` is None) or one object's path."""
        parts = [self.prefix]
        if self.namespaced and namespace is not None:
            parts += ["namespaces", quote(namespace, safe="")]
        parts.append(self.plural)
        if name is not None:
            parts.append(quote(name, safe=""))
        if subresource:
            parts.append(subresource)
        return "/".join(parts)
