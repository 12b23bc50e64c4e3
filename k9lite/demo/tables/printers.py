"""A kind's printer, and the meta.k8s.io/v1 Tables it fills: rows, cells and columns."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from k9lite.demo.tables.cells import Obj
from k9lite.demo.tables.columns import GENERIC_COLUMNS, Column
from k9lite.demo.tables.kinds import generic_cells

__all__ = ["GENERIC_PRINTER", "InvalidIncludeObject", "Printer", "table", "table_row"]

_INCLUDE_OBJECT_VALUES = ("None", "Metadata", "Object")


class InvalidIncludeObject(ValueError):
    """The `includeObject` query parameter is not one of None, Metadata or Object."""

    def __init__(self, value: str) -> None:
        super().__init__(
            f"includeObject must be one of {', '.join(_INCLUDE_OBJECT_VALUES)}, not {value!r}"
        )


def _no_conditions(obj: Obj) -> list[dict[str, str]] | None:
    return None


@dataclass(frozen=True, slots=True)
class Printer:
    """One kind's column definitions, the pure function that fills a row's cells, and the
    row conditions (metav1.RowCompleted) it may add."""

    columns: tuple[Column, ...]
    cells: Callable[[Obj, datetime], list[Any]]
    row_conditions: Callable[[Obj], list[dict[str, str]] | None] = _no_conditions

    def column_definitions(self) -> list[dict[str, Any]]:
        """The Table columnDefinitions; priority 1 means `-o wide` only."""
        return [column.as_json() for column in self.columns]


GENERIC_PRINTER = Printer(GENERIC_COLUMNS, generic_cells)
"""The default table convertor of kinds without a printer: NAME and Created At."""


def table_row(
    printer: Printer, obj: Obj, *, now: datetime, include_object: str = "Metadata"
) -> dict[str, Any]:
    """One Table row: the cells (always the wide set, as the API server prints) and the object."""
    row: dict[str, Any] = {"cells": printer.cells(obj, now)}
    conditions = printer.row_conditions(obj)
    if conditions is not None:
        row["conditions"] = conditions
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
    printer: Printer,
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
        "columnDefinitions": printer.column_definitions() if with_column_definitions else [],
        "rows": [
            table_row(printer, obj, now=now, include_object=include_object) for obj in objects
        ],
    }
