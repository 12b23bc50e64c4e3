"""The strategic-merge metadata of the built-in kinds, from the struct tags in kubernetes/api.

`volumes`, `resourceClaims` and Deployment `spec.strategy` also carry `retainKeys`, which only
matters to the client building the patch: the server applies `$retainKeys` wherever it finds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from k9lite.demo.strategic_merge import PatchField

__all__ = ["schema_for"]


def _struct(**fields: PatchField) -> PatchField:
    return PatchField(fields=fields)


def _merge_by(key: str, **fields: PatchField) -> PatchField:
    return PatchField(fields=fields, merge=True, merge_key=key)


_PRIMITIVE_SET: Final = PatchField(merge=True)
_CONDITIONS: Final = _merge_by("type")
_OBJECT_META: Final = _struct(ownerReferences=_merge_by("uid"), finalizers=_PRIMITIVE_SET)
_CONTAINER: Final = {
    "ports": _merge_by("containerPort"),
    "env": _merge_by("name"),
    "volumeMounts": _merge_by("mountPath"),
    "volumeDevices": _merge_by("devicePath"),
}
_POD_SPEC: Final = _struct(
    volumes=_merge_by("name"),
    initContainers=_merge_by("name", **_CONTAINER),
    containers=_merge_by("name", **_CONTAINER),
    ephemeralContainers=_merge_by("name", **_CONTAINER),
    imagePullSecrets=_merge_by("name"),
    hostAliases=_merge_by("ip"),
    topologySpreadConstraints=_merge_by("topologyKey"),
    schedulingGates=_merge_by("name"),
    resourceClaims=_merge_by("name"),
)
_POD_STATUS: Final = _struct(
    conditions=_CONDITIONS,
    podIPs=_merge_by("ip"),
    hostIPs=_merge_by("ip"),
    resourceClaimStatuses=_merge_by("name"),
)
_POD_TEMPLATE: Final = _struct(metadata=_OBJECT_META, spec=_POD_SPEC)


def _kind(**fields: PatchField) -> PatchField:
    return _struct(metadata=_OBJECT_META, **fields)


_WORKLOAD: Final = _kind(
    spec=_struct(template=_POD_TEMPLATE), status=_struct(conditions=_CONDITIONS)
)
_OBJECT: Final = _kind()
"""Endpoints, EndpointSlice, Ingress, Event, Scale, ConfigMap and every kind not listed have no
merge lists outside ObjectMeta; custom resources are treated so too (the real server answers
415 to a strategic merge patch of a custom resource), i.e. JSON merge plus directives."""
_KIND_SCHEMAS: Final[Mapping[str, PatchField]] = {
    "Pod": _kind(spec=_POD_SPEC, status=_POD_STATUS),
    "PodTemplate": _kind(template=_POD_TEMPLATE),
    "Deployment": _WORKLOAD,
    "ReplicaSet": _WORKLOAD,
    "StatefulSet": _WORKLOAD,
    "DaemonSet": _WORKLOAD,
    "Job": _WORKLOAD,
    "Service": _kind(spec=_struct(ports=_merge_by("port")), status=_struct(conditions=_CONDITIONS)),
    "Node": _kind(
        spec=_struct(podCIDRs=_PRIMITIVE_SET),
        status=_struct(addresses=_merge_by("type"), conditions=_CONDITIONS),
    ),
    "Namespace": _kind(status=_struct(conditions=_CONDITIONS)),
}


def schema_for(kind: str) -> PatchField:
    """The merge lists of `kind`; a kind not listed (custom resources too) has ObjectMeta's only."""
    return _KIND_SCHEMAS.get(kind, _OBJECT)
