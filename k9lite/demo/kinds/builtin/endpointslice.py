"""discovery.k8s.io/v1 EndpointSlice (pkg/registry/discovery/endpointslice/strategy.go).

Its generation counts every change but to its metadata (the strategy's PrepareForUpdate).
"""

from k9lite.demo.defaults import default_endpoint_slice
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.columns import ENDPOINT_SLICE_COLUMNS
from k9lite.demo.tables.kinds import endpoint_slice_cells
from k9lite.demo.validation.endpoints import endpoint_slice_rules

STRATEGY = Strategy(
    ResourceType("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", True),
    printer=Printer(ENDPOINT_SLICE_COLUMNS, endpoint_slice_cells),
    defaults=default_endpoint_slice,
    rules=endpoint_slice_rules,
    counts_generation=True,
)
