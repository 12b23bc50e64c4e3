"""networking.k8s.io/v1 Ingress (pkg/registry/networking/ingress/strategy.go)."""

from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.columns import INGRESS_COLUMNS
from k9lite.demo.tables.kinds import ingress_cells
from k9lite.demo.validation.ingresses import ingress_rules

STRATEGY = Strategy(
    ResourceType(
        "networking.k8s.io", "v1", "Ingress", "ingresses", True, ("ing",), (), ("status",)
    ),
    printer=Printer(INGRESS_COLUMNS, ingress_cells),
    rules=ingress_rules,
)
