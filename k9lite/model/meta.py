"""What every object carries: metadata, owner references and status conditions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from k9lite.model.fields import (
    DecodeError,
    FieldError,
    boolean,
    mapping,
    repeated_string,
    shared_each,
    string,
    string_map,
    timestamp,
)

__all__ = [
    "Condition",
    "ObjectMeta",
    "OwnerReference",
    "decode_conditions",
    "decode_meta",
    "decode_object",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class OwnerReference:
    """The object this one belongs to (a Pod's ReplicaSet, a ReplicaSet's Deployment)."""

    kind: str
    name: str
    uid: str
    controller: bool = False


@dataclass(frozen=True, slots=True)
class ObjectMeta:
    """metadata: identity, labels, lifetime and owners of an object."""

    uid: str
    name: str
    namespace: str  # "" for cluster-scoped kinds (nodes, namespaces)
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    creation_timestamp: datetime | None
    deletion_timestamp: datetime | None
    owner_references: tuple[OwnerReference, ...]
    resource_version: str

    @property
    def key(self) -> tuple[str, str]:
        """(namespace, name): what kubectl and every view sort and look objects up by."""
        return (self.namespace, self.name)

    @property
    def controller(self) -> OwnerReference | None:
        """The owner reference marked `controller: true`; at most one may be."""
        for owner in self.owner_references:
            if owner.controller:
                return owner
        return None


@dataclass(frozen=True, slots=True)
class Condition:
    """A status condition (Pod Ready, Node Ready, Deployment Available...)."""

    type: str
    status: str  # "True", "False" or "Unknown"
    reason: str = ""
    message: str = ""
    last_transition_time: datetime | None = None

    @property
    def is_true(self) -> bool:
        return self.status == "True"


def _owner(raw: Mapping[str, Any]) -> OwnerReference:
    return OwnerReference(
        kind=repeated_string(raw, "kind"),
        name=string(raw, "name"),
        uid=string(raw, "uid"),
        controller=boolean(raw, "controller"),
    )


def _condition(raw: Mapping[str, Any]) -> Condition:
    return Condition(
        type=repeated_string(raw, "type"),
        status=repeated_string(raw, "status", "Unknown"),
        reason=repeated_string(raw, "reason"),
        message=string(raw, "message"),
        last_transition_time=timestamp(raw, "lastTransitionTime"),
    )


def decode_conditions(status: Mapping[str, Any]) -> tuple[Condition, ...]:
    """status.conditions of any kind."""
    return shared_each(status, "conditions", _condition)


def decode_meta(raw: Mapping[str, Any]) -> ObjectMeta:
    """metadata; name and uid are required, as every object the API server returns has them."""
    meta = mapping(raw, "metadata")
    try:
        name = string(meta, "name")
        uid = string(meta, "uid")
        if not name:
            raise FieldError("name", "missing")
        if not uid:
            raise FieldError("uid", "missing")
        return ObjectMeta(
            uid=uid,
            name=name,
            namespace=repeated_string(meta, "namespace"),
            labels=string_map(meta, "labels"),
            annotations=string_map(meta, "annotations"),
            creation_timestamp=timestamp(meta, "creationTimestamp"),
            deletion_timestamp=timestamp(meta, "deletionTimestamp"),
            owner_references=shared_each(meta, "ownerReferences", _owner),
            resource_version=string(meta, "resourceVersion"),
        )
    except FieldError as error:
        raise error.within("metadata") from None


def decode_object(
    kind: str, raw: Mapping[str, Any], build: Callable[[ObjectMeta, Mapping[str, Any]], T]
) -> T:
    """Decode metadata, then the rest with `build`; any malformed field raises DecodeError."""
    if not isinstance(raw, dict):
        raise DecodeError(kind, "", f"expected a JSON object, got {type(raw).__name__}")
    try:
        meta = decode_meta(raw)
        return build(meta, raw)
    except FieldError as error:
        found = raw.get("metadata")
        found = found if isinstance(found, dict) else {}
        name, namespace = found.get("name"), found.get("namespace")
        raise DecodeError(
            kind,
            name if isinstance(name, str) else "",
            str(error),
            namespace if isinstance(namespace, str) else "",
        ) from None
