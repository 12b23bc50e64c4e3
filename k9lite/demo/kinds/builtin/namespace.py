"""core/v1 Namespace (pkg/registry/core/namespace/strategy.go)."""

from k9lite.demo.defaults import default_namespace
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.columns import NAMESPACE_COLUMNS
from k9lite.demo.tables.kinds import namespace_cells
from k9lite.model.names import is_dns1123_label

STRATEGY = Strategy(
    ResourceType("", "v1", "Namespace", "namespaces", False, ("ns",), (), ("status",)),
    printer=Printer(NAMESPACE_COLUMNS, namespace_cells),
    defaults=default_namespace,
    name_check=is_dns1123_label,
    initial_status={"phase": "Active"},
    field_labels=frozenset({"status.phase"}),
)
