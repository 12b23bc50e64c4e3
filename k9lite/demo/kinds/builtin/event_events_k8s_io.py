"""events.k8s.io/v1 Event: the stored core/v1 Events, served converted (see events_v1)."""

from k9lite.demo.events_v1 import EVENTS_V1_FIELD_LABELS
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.columns import EVENT_COLUMNS
from k9lite.demo.tables.kinds import event_cells

STRATEGY = Strategy(
    ResourceType("events.k8s.io", "v1", "Event", "events", True, ("ev",)),
    # Rows are printed from the stored core Event, as the real server prints the internal type.
    printer=Printer(EVENT_COLUMNS, event_cells),
    field_labels=frozenset(EVENTS_V1_FIELD_LABELS),
    stored=False,
)
