"""The Table of a custom resource: its CRD's additionalPrinterColumns, evaluated as
apiextensions-apiserver's tableconvertor does (simple JSON paths, typed cells)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from k9lite.demo.tables.cells import Obj, name_cell
from k9lite.demo.tables.columns import AGE_COLUMN, NAME_COLUMN, Column
from k9lite.demo.tables.durations import InvalidTimestamp, parse_time, since
from k9lite.demo.tables.printers import Printer

__all__ = ["AGE_PRINTER_COLUMN", "custom_printer", "evaluate_path"]

AGE_PRINTER_COLUMN: Mapping[str, Any] = {
    "name": "Age",
    "type": "date",
    "jsonPath": ".metadata.creationTimestamp",
    "description": AGE_COLUMN.description,
}
"""What a version without additionalPrinterColumns shows (serveDefaultColumnsIfEmpty)."""
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\['([^']*)'\]")
_MISSING = object()


def evaluate_path(obj: Any, path: str) -> Any:
    """A simple JSON path (`.spec.replicas`, `.status.conditions[0].type`); missing is _MISSING."""
    position = 0
    value = obj
    while position < len(path):
        step = _STEP.match(path, position)
        if step is None:
            return _MISSING
        key, index, quoted = step.groups()
        if index is not None:
            if not isinstance(value, list) or int(index) >= len(value):
                return _MISSING
            value = value[int(index)]
        else:
            field = key if key is not None else quoted
            if not isinstance(value, dict) or field not in value:
                return _MISSING
            value = value[field]
        position = step.end()
    return value


def _string_cell(value: Any) -> str:
    """jsonpath's PrintResults: strings as they are, other values as text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"))


def _typed_cell(column_type: str, value: Any, now: datetime) -> Any:
    """cellForJSONValue: a cell of the column's type, None when the value does not fit it."""
    if column_type == "integer" and isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if column_type == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if column_type == "boolean" and isinstance(value, bool):
        return value
    if column_type == "date" and isinstance(value, str):
        try:
            parse_time(value, "")
        except InvalidTimestamp:
            return "<invalid>"
        return since(value, "", now)
    return None


def custom_printer(columns: Sequence[Mapping[str, Any]]) -> Printer:
    """NAME, then each printer column (or AGE when the version declares none)."""
    declared = list(columns) or [AGE_PRINTER_COLUMN]
    definitions = (
        NAME_COLUMN,
        *(
            Column(
                str(column.get("name", "")),
                str(column.get("description", "")),
                type=str(column.get("type", "string")),
                format=str(column.get("format", "")),
                priority=int(column.get("priority", 0)),
            )
            for column in declared
        ),
    )
    paths = [(str(c.get("type", "string")), str(c.get("jsonPath", ""))) for c in declared]

    def cells(obj: Obj, now: datetime) -> list[Any]:
        row: list[Any] = [name_cell(obj)]
        for column_type, path in paths:
            value = evaluate_path(obj, path)
            if value is _MISSING or value is None:
                row.append(None)
            elif column_type == "string":
                row.append(_string_cell(value))
            else:
                row.append(_typed_cell(column_type, value, now))
        return row

    return Printer(definitions, cells)
