"""Custom resources: the strategies a CustomResourceDefinition declares, one per served version.

Objects of every served version are stored once, in the storage version, and converted by
rewriting apiVersion only (the CRD's `conversion.strategy: None`). Custom resources are stored
as given: no OpenAPI schema validation, pruning or defaulting, only the ObjectMeta checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables.printer_columns import custom_printer
from k9lite.demo.wire_forms import WireForm

__all__ = ["CustomKind", "custom_kinds"]

CustomKind = tuple[Strategy, WireForm]


def _versions(crd: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    versions = (crd.get("spec") or {}).get("versions") or []
    return [v for v in versions if isinstance(v, Mapping) and v.get("name")]


def _resource(crd: Mapping[str, Any], version: Mapping[str, Any]) -> ResourceType:
    spec = crd.get("spec") or {}
    names = (crd.get("status") or {}).get("acceptedNames") or spec.get("names") or {}
    subresources = version.get("subresources") or {}
    return ResourceType(
        str(spec.get("group", "")),
        str(version["name"]),
        str(names.get("kind", "")),
        str(names.get("plural", "")),
        spec.get("scope") == "Namespaced",
        tuple(names.get("shortNames") or ()),
        tuple(names.get("categories") or ()),
        ("status",) if "status" in subresources else (),
    )


def _with_api_version(api_version: str, obj: Any) -> Any:
    """The object as another version of the same kind; what is not an object stays as it is."""
    return {**obj, "apiVersion": api_version} if isinstance(obj, dict) else obj


def _converted(served: ResourceType, stored: ResourceType) -> WireForm:
    def to_wire(obj: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = _with_api_version(served.group_version, obj)
        return result

    def from_wire(obj: Any) -> Any:
        # A body naming another version is refused by the apiVersion check, as the real server.
        if isinstance(obj, dict) and obj.get("apiVersion") == served.group_version:
            return _with_api_version(stored.group_version, obj)
        return obj

    return WireForm(served, stored, to_wire=to_wire, from_wire=from_wire)


def custom_kinds(crd: Mapping[str, Any]) -> list[CustomKind]:
    """The served versions of an established CRD, each with its strategy and storage."""
    versions = _versions(crd)
    storage = next((v for v in versions if v.get("storage")), None)
    if storage is None:
        return []
    stored = _resource(crd, storage)
    kinds: list[CustomKind] = []
    for version in versions:
        if not version.get("served"):
            continue
        served = _resource(crd, version)
        strategy = Strategy(
            served,
            printer=custom_printer(version.get("additionalPrinterColumns") or ()),
            # With the status subresource, status is written through it only and a create
            # stores none (the custom resource strategy's PrepareForCreate).
            initial_status=None,
            counts_generation=True,
        )
        form = WireForm(served, served) if served == stored else _converted(served, stored)
        kinds.append((strategy, form))
    return kinds
