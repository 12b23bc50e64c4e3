"""core/v1 Service (pkg/registry/core/service/strategy.go); IPs and ports are allocated by the
registry, which owns the store."""

from k9lite.demo.defaults import default_service
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.columns import SERVICE_COLUMNS
from k9lite.demo.tables.kinds import service_cells
from k9lite.demo.validation.services import service_rules
from k9lite.model.names import is_dns1035_label

STRATEGY = Strategy(
    ResourceType("", "v1", "Service", "services", True, ("svc",), ("all",), ("status", "proxy")),
    printer=Printer(SERVICE_COLUMNS, service_cells),
    defaults=default_service,
    rules=service_rules,
    name_check=is_dns1035_label,
    initial_status={"loadBalancer": {}},
    field_labels=frozenset({"spec.clusterIP", "spec.type"}),
)
