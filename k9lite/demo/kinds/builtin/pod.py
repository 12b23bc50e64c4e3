"""core/v1 Pod (pkg/registry/core/pod/strategy.go); admission (admission.py) runs on create."""

from k9lite.demo.defaults import default_pod
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.columns import POD_COLUMNS
from k9lite.demo.tables.pods import pod_cells, pod_row_conditions
from k9lite.demo.validation.pods import pod_rules

STRATEGY = Strategy(
    ResourceType(
        "",
        "v1",
        "Pod",
        "pods",
        True,
        ("po",),
        ("all",),
        ("status", "proxy", "log", "exec", "attach", "portforward"),
    ),
    printer=Printer(POD_COLUMNS, pod_cells, pod_row_conditions),
    defaults=default_pod,
    rules=pod_rules,
    initial_status={"phase": "Pending", "qosClass": "BestEffort"},
    field_labels=frozenset(
        {
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        }
    ),
)
