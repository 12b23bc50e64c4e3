"""core/v1 Event (pkg/registry/core/event/strategy.go): the one storage of Events."""

from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.columns import EVENT_COLUMNS
from k9lite.demo.tables.kinds import event_cells

STRATEGY = Strategy(
    ResourceType("", "v1", "Event", "events", True, ("ev",)),
    printer=Printer(EVENT_COLUMNS, event_cells),
    field_labels=frozenset(
        {
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        }
    ),
)
