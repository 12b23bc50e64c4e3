"""core/v1 Endpoints (pkg/registry/core/endpoint/strategy.go)."""

from k9lite.demo.defaults import default_endpoints
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.columns import ENDPOINTS_COLUMNS
from k9lite.demo.tables.kinds import endpoints_cells
from k9lite.demo.validation.endpoints import endpoints_rules

STRATEGY = Strategy(
    ResourceType("", "v1", "Endpoints", "endpoints", True, ("ep",)),
    printer=Printer(ENDPOINTS_COLUMNS, endpoints_cells),
    defaults=default_endpoints,
    rules=endpoints_rules,
)
