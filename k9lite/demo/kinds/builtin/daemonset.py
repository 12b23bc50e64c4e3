"""apps/v1 DaemonSet (pkg/registry/apps/daemonset/strategy.go), stored without a controller.

Columns: printers.go daemonSetColumnDefinitions and printDaemonSet (the status counts, NODE
SELECTOR of the pod template; wide adds CONTAINERS, IMAGES and SELECTOR).
"""

from datetime import datetime
from typing import Any

from k9lite.demo.defaults import default_rolling_update, default_template, spec_of
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.cells import (
    Obj,
    age_cell,
    format_labels,
    layout_containers,
    lookup,
    name_cell,
    selector_cell,
)
from k9lite.demo.tables.columns import (
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    NAME_COLUMN,
    Column,
)
from k9lite.demo.validation.workloads import replicated_rules

_DOCS = "More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"
COLUMNS = (
    NAME_COLUMN,
    Column(
        "Desired",
        "The total number of nodes that should be running the daemon pod (including nodes "
        f"correctly running the daemon pod). {_DOCS}",
        type="integer",
    ),
    Column(
        "Current",
        "The number of nodes that are running at least 1 daemon pod and are supposed to run the "
        f"daemon pod. {_DOCS}",
        type="integer",
    ),
    Column(
        "Ready",
        "numberReady is the number of nodes that should be running the daemon pod and have one "
        "or more of the daemon pod running with a Ready Condition.",
        type="integer",
    ),
    Column(
        "Up-to-date",
        "The total number of nodes that are running updated daemon pod",
        type="integer",
    ),
    Column(
        "Available",
        "The number of nodes that should be running the daemon pod and have one or more of the "
        "daemon pod running and available (ready for at least spec.minReadySeconds)",
        type="integer",
    ),
    Column(
        "Node Selector",
        "NodeSelector is a selector which must be true for the pod to fit on a node. Selector "
        "which must match a node's labels for the pod to be scheduled on that node. More info: "
        "https://kubernetes.io/docs/concepts/configuration/assign-pod-node/",
    ),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    Column(
        "Selector",
        "A label query over pods that are managed by the daemon set. Must match in order to be "
        "controlled. It must match the pod template's labels. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
        priority=1,
    ),
)


def cells(daemonset: Obj, now: datetime) -> list[Any]:
    spec, status = daemonset.get("spec") or {}, daemonset.get("status") or {}
    return [
        name_cell(daemonset),
        *(
            int(status.get(field, 0))
            for field in (
                "desiredNumberScheduled",
                "currentNumberScheduled",
                "numberReady",
                "updatedNumberScheduled",
                "numberAvailable",
            )
        ),
        format_labels(lookup(spec, "template", "spec", "nodeSelector")),
        age_cell(daemonset, now),
        *layout_containers(lookup(spec, "template", "spec")),
        selector_cell(spec.get("selector")),
    ]


def defaults(daemonset: dict[str, Any]) -> None:
    """SetDefaults_DaemonSet."""
    spec = spec_of(daemonset)
    default_rolling_update(spec, "updateStrategy", maxUnavailable=1, maxSurge=0)
    spec.setdefault("revisionHistoryLimit", 10)
    default_template(spec)


STRATEGY = Strategy(
    ResourceType("apps", "v1", "DaemonSet", "daemonsets", True, ("ds",), ("all",), ("status",)),
    printer=Printer(COLUMNS, cells),
    defaults=defaults,
    # ValidateDaemonSetSpec shares the selector, template and restartPolicy rules.
    rules=replicated_rules(deployment=False),
    counts_generation=True,
)
