"""The scale subresource: an autoscaling/v1 Scale view of spec.replicas (and the selector)."""

from __future__ import annotations

from typing import Any

from k9lite.demo.errors import bad_request, conflict, invalid
from k9lite.demo.int32_fields import check_decodable_body, check_decodable_patch
from k9lite.demo.patch import PatchError, apply_patch
from k9lite.demo.registry import Registry, patch_error
from k9lite.demo.resources import ResourceType
from k9lite.demo.store import clone

__all__ = ["get_scale", "patch_scale", "update_scale"]

_SCALE = ResourceType("autoscaling", "v1", "Scale", "scale", True)


def get_scale(registry: Registry, rt: ResourceType, namespace: str, name: str) -> dict[str, Any]:
    obj = registry.store.get(rt, namespace, name)
    meta = obj["metadata"]
    selector = obj["spec"].get("selector", {}).get("matchLabels", {})
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            key: meta[key]
            for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
        },
        "spec": {"replicas": obj["spec"].get("replicas", 1)},
        "status": {
            "replicas": obj.get("status", {}).get("replicas", 0),
            "selector": ",".join(f"{k}={v}" for k, v in sorted(selector.items())),
        },
    }


def update_scale(
    registry: Registry, rt: ResourceType, namespace: str, name: str, scale: Any
) -> dict[str, Any]:
    # What cannot be decoded into an autoscaling/v1 Scale is a 400, as the real decoder says.
    check_decodable_body("Scale", "v1", scale)
    spec, meta = (
        (scale.get("spec"), scale.get("metadata", {})) if isinstance(scale, dict) else (None, None)
    )
    replicas = spec.get("replicas", 0) if isinstance(spec, dict) else None
    if not isinstance(meta, dict) or not isinstance(replicas, int) or isinstance(replicas, bool):
        raise bad_request("the body is not a Scale object: spec.replicas must be an integer")
    obj = registry.store.get(rt, namespace, name)
    wanted_version = meta.get("resourceVersion")
    if wanted_version and wanted_version != obj["metadata"]["resourceVersion"]:
        raise conflict(rt, name)
    if replicas < 0:
        # The scale subresource validates an autoscaling/v1 Scale, and names it so.
        message = f"Invalid value: {replicas}: must be greater than or equal to 0"
        raise invalid(
            _SCALE,
            name,
            f'Scale.autoscaling "{name}" is invalid: spec.replicas: {message}',
            [("spec.replicas", message, "FieldValueInvalid")],
        )
    new = clone(obj)
    new["spec"]["replicas"] = replicas
    registry.update(rt, namespace, name, new)
    return get_scale(registry, rt, namespace, name)


def patch_scale(
    registry: Registry, rt: ResourceType, namespace: str, name: str, content_type: str, body: bytes
) -> dict[str, Any]:
    try:
        scale = apply_patch(
            content_type, get_scale(registry, rt, namespace, name), body, kind="Scale"
        )
    except PatchError as exc:
        raise patch_error(exc) from None
    check_decodable_patch("Scale", scale)
    return update_scale(registry, rt, namespace, name, scale)
