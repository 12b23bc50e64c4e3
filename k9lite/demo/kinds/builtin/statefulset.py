"""apps/v1 StatefulSet (pkg/registry/apps/statefulset/strategy.go), stored without a controller.

Columns: printers.go statefulSetColumnDefinitions and printStatefulSet (READY is
readyReplicas/replicas; wide adds CONTAINERS and IMAGES).
"""

from datetime import datetime
from typing import Any

from k9lite.demo.defaults import default_rolling_update, default_template, spec_of
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.cells import Obj, age_cell, layout_containers, lookup, name_cell
from k9lite.demo.tables.columns import (
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    NAME_COLUMN,
    Column,
)
from k9lite.demo.validation.workloads import replicated_rules

COLUMNS = (
    NAME_COLUMN,
    Column("Ready", "Number of the pod with ready state"),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
)


def cells(statefulset: Obj, now: datetime) -> list[Any]:
    spec, status = statefulset.get("spec") or {}, statefulset.get("status") or {}
    return [
        name_cell(statefulset),
        f"{int(status.get('readyReplicas', 0))}/{int(spec.get('replicas', 1))}",
        age_cell(statefulset, now),
        *layout_containers(lookup(spec, "template", "spec")),
    ]


def defaults(statefulset: dict[str, Any]) -> None:
    """SetDefaults_StatefulSet."""
    spec = spec_of(statefulset)
    spec.setdefault("replicas", 1)
    spec.setdefault("podManagementPolicy", "OrderedReady")
    default_rolling_update(spec, "updateStrategy", partition=0)
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault(
        "persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Retain"}
    )
    default_template(spec)


STRATEGY = Strategy(
    ResourceType(
        "apps", "v1", "StatefulSet", "statefulsets", True, ("sts",), ("all",), ("status", "scale")
    ),
    printer=Printer(COLUMNS, cells),
    defaults=defaults,
    # ValidateStatefulSetSpec shares the selector, template and restartPolicy rules.
    rules=replicated_rules(deployment=False),
    counts_generation=True,
)
