"""Server-side Table output (meta.k8s.io/v1 Table) for the demo cluster's API server.

kubectl has no client-side columns: `kubectl get` prints whatever the server's Table holds. This
package ports kube-apiserver's `pkg/printers/internalversion/printers.go` for the kinds the demo
cluster serves (each kind's module in `kinds/` names its printer), and the generic
NAME / Created At table for any other resource.
"""

from k9lite.demo.tables.durations import InvalidTimestamp, human_duration
from k9lite.demo.tables.printers import (
    GENERIC_PRINTER,
    InvalidIncludeObject,
    Printer,
    table,
    table_row,
)

__all__ = [
    "GENERIC_PRINTER",
    "InvalidIncludeObject",
    "InvalidTimestamp",
    "Printer",
    "human_duration",
    "table",
    "table_row",
]
