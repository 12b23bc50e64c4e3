"""The view of a kind shown from the server's Tables: `kubectl get`'s columns (those of
priority 0), the row's cells as the server printed them, AGE recomputed as time passes."""

from __future__ import annotations

from k9lite.kinds.base import ColumnHint, Kind
from k9lite.model.table_rows import TableColumn, TableRow
from k9lite.render.rows import RowContext, ViewColumn, ViewSpec, age, column

__all__ = ["table_view"]

_NAME_HINT = ColumnHint(min_width=18)


def _hint(kind: Kind, position: int, label: str, count: int) -> ColumnHint:
    """The kind's own hint for a column; else NAME stays and the others give way from the
    right, each narrowing to 8 cells before any is dropped."""
    found = kind.column_hints.get(label)
    if found is not None:
        return found
    if position == 0 and label == "NAME":
        return _NAME_HINT
    return ColumnHint(priority=position, min_width=8, rest_priority=count)


def table_view(kind: Kind, columns: tuple[TableColumn, ...]) -> ViewSpec:
    """The ViewSpec of `kind` for the columns its server's Table defines."""
    shown = [i for i, c in enumerate(columns) if c.priority == 0] or [0]
    labels = [columns[i].name.upper() if columns else "NAME" for i in shown]
    view_columns: list[ViewColumn] = []
    for position, label in enumerate(labels):
        hint = _hint(kind, position, label, len(labels))
        order = "age" if label == "AGE" else ""
        view_columns.append(
            column(
                label,
                order,
                priority=hint.priority,
                min_width=hint.min_width,
                rest_priority=hint.rest_priority,
            )
        )
    age_at = labels.index("AGE") if "AGE" in labels else None

    def cells(row: TableRow, context: RowContext) -> tuple[str, ...]:
        found = tuple(row.cells[i] if i < len(row.cells) else "" for i in shown)
        if age_at is not None and row.meta.creation_timestamp is not None:
            # The server printed the age when it answered; it grows since.
            found = (*found[:age_at], age(row, context.now), *found[age_at + 1 :])
        return found

    return ViewSpec(
        kind.name,
        kind.title,
        kind.resource.namespaced,
        tuple(view_columns),
        cells,
        kind.resource.kind,
    )
