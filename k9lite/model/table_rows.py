"""Objects as the server prints them: rows of a server-side Table (`kubectl get`'s columns).

Every kind the model has no type for (ConfigMaps, Jobs, custom resources...) is listed and
watched as `meta.k8s.io/v1` Tables with `includeObject=Metadata`: each row carries its cells
and the object's metadata, which is all a view needs. The reflector hands each row over as
`{"metadata": ..., "cells": [...]}`; the column definitions come once per list.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from k9lite.model.fields import FieldError
from k9lite.model.meta import ObjectMeta, decode_object

__all__ = ["TableColumn", "TableRow", "TableRows", "decode_columns", "decode_table_row"]


@dataclass(frozen=True, slots=True)
class TableColumn:
    """A column definition of the server's Table: kubectl shows those of priority 0."""

    name: str
    type: str
    priority: int
    description: str = ""


@dataclass(frozen=True, slots=True)
class TableRow:
    """One object as a row: its metadata and its cells, each already text."""

    meta: ObjectMeta
    cells: tuple[str, ...]


def _cell_text(cell: Any) -> str:
    """A cell as kubectl prints it: `<none>` for null, Go's %v for the rest."""
    if cell is None:
        return "<none>"
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, list):
        return "[" + " ".join(_cell_text(item) for item in cell) + "]"
    return str(cell)


def decode_columns(raw: Iterable[Any]) -> tuple[TableColumn, ...]:
    """The `columnDefinitions` of a Table; malformed entries are skipped."""
    return tuple(
        TableColumn(
            str(column.get("name", "")),
            str(column.get("type", "string")),
            int(column.get("priority") or 0),
            str(column.get("description", "")),
        )
        for column in raw
        if isinstance(column, dict) and column.get("name")
    )


def decode_table_row(kind: str, raw: Mapping[str, Any]) -> TableRow:
    """A row handed over by the reflector; DecodeError without a name, uid or cells."""

    def build(meta: ObjectMeta, found: Mapping[str, Any]) -> TableRow:
        cells = found.get("cells")
        if not isinstance(cells, list):
            raise FieldError("cells", "not a list")
        return TableRow(meta, tuple(_cell_text(cell) for cell in cells))

    return decode_object(kind, raw, build)


class TableRows:
    """The rows of one kind, by (namespace, name), and the columns they fill. Not locked:
    ClusterState's lock guards it."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], TableRow] = {}
        self.columns: tuple[TableColumn, ...] = ()
        self._sorted: dict[str | None, list[TableRow]] = {}

    def replace(self, rows: Iterable[TableRow]) -> None:
        self.rows = {row.meta.key: row for row in rows}
        self._sorted.clear()

    def put(self, row: TableRow) -> None:
        self.rows[row.meta.key] = row
        self._sorted.clear()

    def remove(self, key: tuple[str, str]) -> None:
        if self.rows.pop(key, None) is not None:
            self._sorted.clear()

    def sorted(self, namespace: str | None) -> list[TableRow]:
        """The rows of a namespace (all when None), sorted by (namespace, name)."""
        found = self._sorted.get(namespace)
        if found is None:
            found = sorted(
                (row for row in self.rows.values() if namespace in (None, row.meta.namespace)),
                key=lambda row: row.meta.key,
            )
            self._sorted[namespace] = found
        return found

    def __iter__(self) -> Iterator[TableRow]:
        return iter(self.rows.values())
