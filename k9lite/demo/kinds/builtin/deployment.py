"""apps/v1 Deployment (pkg/registry/apps/deployment/strategy.go)."""

from k9lite.demo.defaults import default_deployment
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.columns import DEPLOYMENT_COLUMNS
from k9lite.demo.tables.kinds import deployment_cells
from k9lite.demo.validation.workloads import replicated_rules

STRATEGY = Strategy(
    ResourceType(
        "apps", "v1", "Deployment", "deployments", True, ("deploy",), ("all",), ("status", "scale")
    ),
    printer=Printer(DEPLOYMENT_COLUMNS, deployment_cells),
    defaults=default_deployment,
    rules=replicated_rules(deployment=True),
    counts_generation=True,
)
