"""apps/v1 ReplicaSet (pkg/registry/apps/replicaset/strategy.go)."""

from k9lite.demo.defaults import default_replica_set
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.columns import REPLICA_SET_COLUMNS
from k9lite.demo.tables.kinds import replica_set_cells
from k9lite.demo.validation.workloads import replicated_rules

STRATEGY = Strategy(
    ResourceType(
        "apps", "v1", "ReplicaSet", "replicasets", True, ("rs",), ("all",), ("status", "scale")
    ),
    printer=Printer(REPLICA_SET_COLUMNS, replica_set_cells),
    defaults=default_replica_set,
    rules=replicated_rules(deployment=False),
    counts_generation=True,
    field_labels=frozenset({"status.replicas"}),
)
