"""core/v1 ConfigMap (pkg/registry/core/configmap/strategy.go).

Columns: printers.go configMapColumnDefinitions and printConfigMap (DATA counts the keys of
data and binaryData).
"""

from datetime import datetime
from typing import Any

from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.cells import Obj, age_cell, name_cell
from k9lite.demo.tables.columns import AGE_COLUMN, NAME_COLUMN, Column

COLUMNS = (
    NAME_COLUMN,
    Column(
        "Data",
        "Data contains the configuration data. Each key must consist of alphanumeric characters, "
        "'-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. "
        "The keys stored in Data must not overlap with the keys in the BinaryData field, this is "
        "enforced during validation process.",
    ),
    AGE_COLUMN,
)


def _count(value: Any) -> int:
    return len(value) if isinstance(value, dict) else 0


def cells(config_map: Obj, now: datetime) -> list[Any]:
    return [
        name_cell(config_map),
        _count(config_map.get("data")) + _count(config_map.get("binaryData")),
        age_cell(config_map, now),
    ]


STRATEGY = Strategy(
    ResourceType("", "v1", "ConfigMap", "configmaps", True, ("cm",)),
    printer=Printer(COLUMNS, cells),
)
