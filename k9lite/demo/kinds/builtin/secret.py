"""core/v1 Secret (pkg/registry/core/secret/strategy.go).

`stringData` is write-only: merged into base64 `data` on every write (the v1 conversion), its
keys winning; `type` defaults to Opaque. Columns: printers.go secretColumnDefinitions and
printSecret (DATA counts the keys of data).
"""

import base64
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
        "Type",
        "Used to facilitate programmatic handling of secret data. More info: "
        "https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
    ),
    Column(
        "Data",
        "Data contains the secret data. Each key must consist of alphanumeric characters, '-', "
        "'_' or '.'. The serialized form of the secret data is a base64 encoded string, "
        "representing the arbitrary (possibly non-string) data value here. Described in "
        "https://tools.ietf.org/html/rfc4648#section-4",
    ),
    AGE_COLUMN,
)


def cells(secret: Obj, now: datetime) -> list[Any]:
    data = secret.get("data")
    return [
        name_cell(secret),
        str(secret.get("type", "")),
        len(data) if isinstance(data, dict) else 0,
        age_cell(secret, now),
    ]


def defaults(secret: dict[str, Any]) -> None:
    """SetDefaults_Secret, and Convert_v1_Secret_To_core_Secret's merge of stringData."""
    if not secret.get("type"):
        secret["type"] = "Opaque"
    string_data = secret.pop("stringData", None)
    if isinstance(string_data, dict) and string_data:
        data = secret.get("data")
        merged = dict(data) if isinstance(data, dict) else {}
        for key, value in string_data.items():
            merged[key] = base64.b64encode(str(value).encode()).decode()
        secret["data"] = merged


STRATEGY = Strategy(
    ResourceType("", "v1", "Secret", "secrets", True),
    printer=Printer(COLUMNS, cells),
    defaults=defaults,
    field_labels=frozenset({"type"}),
)
