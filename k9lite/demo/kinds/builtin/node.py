"""core/v1 Node (pkg/registry/core/node/strategy.go)."""

from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.columns import NODE_COLUMNS
from k9lite.demo.tables.kinds import node_cells

STRATEGY = Strategy(
    ResourceType("", "v1", "Node", "nodes", False, ("no",), (), ("status",)),
    printer=Printer(NODE_COLUMNS, node_cells),
    field_labels=frozenset({"spec.unschedulable"}),
)
