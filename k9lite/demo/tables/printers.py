"""Each resource's printer, and the Table rows and columns they fill."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from k9lite.demo.tables.cells import Obj, lookup
from k9lite.demo.tables.columns import (
    DEPLOYMENT_COLUMNS,
    ENDPOINT_SLICE_COLUMNS,
    ENDPOINTS_COLUMNS,
    EVENT_COLUMNS,
    GENERIC_COLUMNS,
    INGRESS_COLUMNS,
    NAMESPACE_COLUMNS,
    NODE_COLUMNS,
    POD_COLUMNS,
    REPLICA_SET_COLUMNS,
    SERVICE_COLUMNS,
    Column,
)
from k9lite.demo.tables.kinds import (
    deployment_cells,
    endpoint_slice_cells,
    endpoints_cells,
    event_cells,
    generic_cells,
    ingress_cells,
    namespace_cells,
    node_cells,
    replica_set_cells,
    service_cells,
)
from k9lite.demo.tables.pods import POD_ROW_CONDITIONS, pod_cells
from k9lite.demo.tables.rbac import (
    CLUSTER_ROLE_BINDING_COLUMNS,
    ROLE_BINDING_COLUMNS,
    role_binding_cells,
)

__all__ = ["InvalidIncludeObject", "column_definitions", "table", "table_row"]

_INCLUDE_OBJECT_VALUES = ("None", "Metadata", "Object")


class InvalidIncludeObject(ValueError):
    """The `includeObject` query parameter is not one of None, Metadata or Object."""

    def __init__(self, value: str) -> None:
        super().__init__(
            f"includeObject must be one of {', '.join(_INCLUDE_OBJECT_VALUES)}, not {value!r}"
        )


@dataclass(frozen=True, slots=True)
class _Printer:
    """The column definitions of one resource and the pure function that fills a row's cells."""

    columns: tuple[Column, ...]
    cells: Callable[[Obj, datetime], list[Any]]


_PRINTERS: dict[str, _Printer] = {
    "pods": _Printer(POD_COLUMNS, pod_cells),
    "services": _Printer(SERVICE_COLUMNS, service_cells),
    "deployments": _Printer(DEPLOYMENT_COLUMNS, deployment_cells),
    "replicasets": _Printer(REPLICA_SET_COLUMNS, replica_set_cells),
    "nodes": _Printer(NODE_COLUMNS, node_cells),
    "namespaces": _Printer(NAMESPACE_COLUMNS, namespace_cells),
    "endpoints": _Printer(ENDPOINTS_COLUMNS, endpoints_cells),
    "endpointslices": _Printer(ENDPOINT_SLICE_COLUMNS, endpoint_slice_cells),
    "ingresses": _Printer(INGRESS_COLUMNS, ingress_cells),
    "events": _Printer(EVENT_COLUMNS, event_cells),
    "rolebindings": _Printer(ROLE_BINDING_COLUMNS, role_binding_cells),
    "clusterrolebindings": _Printer(CLUSTER_ROLE_BINDING_COLUMNS, role_binding_cells),
}
_GENERIC_PRINTER = _Printer(GENERIC_COLUMNS, generic_cells)


def column_definitions(resource: str) -> list[dict[str, Any]]:
    """The Table columnDefinitions for a plural resource name, priority 1 meaning `-o wide` only."""
    return [column.as_json() for column in _printer(resource).columns]


def table_row(
    resource: str, obj: Obj, *, now: datetime, include_object: str = "Metadata"
) -> dict[str, Any]:
    """One Table row: the cells (always the wide set, as the API server prints) and the object."""
    row: dict[str, Any] = {"cells": _printer(resource).cells(obj, now)}
    if resource == "pods":
        conditions = POD_ROW_CONDITIONS.get(lookup(obj, "status", "phase"))
        if conditions is not None:
            row["conditions"] = [dict(condition) for condition in conditions]
    if include_object == "Metadata":
        row["object"] = {
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": obj.get("metadata", {}),
        }
    elif include_object == "Object":
        row["object"] = obj
    elif include_object != "None":
        raise InvalidIncludeObject(include_object)
    return row


def table(
    resource: str,
    objects: Iterable[Obj],
    *,
    now: datetime,
    include_object: str = "Metadata",
    resource_version: str,
    continue_token: str | None = None,
    remaining_item_count: int | None = None,
    with_column_definitions: bool = True,
) -> dict[str, Any]:
    """A meta.k8s.io/v1 Table; watch events after the first carry no column definitions."""
    if include_object not in _INCLUDE_OBJECT_VALUES:
        raise InvalidIncludeObject(include_object)
    metadata: dict[str, Any] = {"resourceVersion": resource_version}
    if continue_token is not None:
        metadata["continue"] = continue_token
    if remaining_item_count is not None:
        metadata["remainingItemCount"] = remaining_item_count
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": column_definitions(resource) if with_column_definitions else [],
        "rows": [
            table_row(resource, obj, now=now, include_object=include_object) for obj in objects
        ],
    }


def _printer(resource: str) -> _Printer:
    return _PRINTERS.get(resource, _GENERIC_PRINTER)
