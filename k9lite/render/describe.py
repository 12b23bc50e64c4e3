"""Objects as `kubectl describe` prints them: `Key:  value` lines aligned as its tabwriter does.

Each describer (`describe_services.py`, `describe_pods.py`, `describe_workloads.py`,
`describe_cluster.py`) writes tab-separated lines in kubectl's order and wording;
`tabwriter.align` then pads them the way Go's text/tabwriter does (padding 2), so a value starts
where kubectl would put it. Fields k9lite does not watch (events, volumes, resources) are left
out; each Service and Deployment gains a short table of its pods. `now` is passed in so the text
is stable in tests.

Text from the cluster is shown literally (`render.literal`): free text that may hold a tab or a
newline (labels, annotations, names, images, reasons, messages) is escaped as one line before
it is laid out, so it can neither shift a column nor fake a line; the whole text is then
escaped once more, multi-line, so no control character of any other field reaches a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from k9lite.model.cluster import Namespace, Node
from k9lite.model.kinds import KubeObject
from k9lite.model.pods import Pod
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from k9lite.model.workloads import Deployment
from k9lite.render.describe_cluster import describe_namespace, describe_node
from k9lite.render.describe_fields import (
    add_annotations,
    add_controlled_by,
    add_head,
    add_labels,
    describe_time,
)
from k9lite.render.describe_pods import describe_pod
from k9lite.render.describe_services import describe_service
from k9lite.render.describe_workloads import describe_deployment
from k9lite.render.literal import literal
from k9lite.render.tabwriter import align

__all__ = ["describe"]


def describe(kind: str, obj: KubeObject, state: ClusterState, *, now: datetime) -> str:
    """The `kubectl describe` text of an object of `kind` ("services", "pods"...)."""
    lines: list[str] = []
    describer = _DESCRIBERS.get(kind)
    if describer is None:
        _describe_meta(lines, obj)
    else:
        expected, write = describer
        if not isinstance(obj, expected):
            raise TypeError(f"describe({kind!r}) needs a {expected.__name__}, got {obj!r}")
        write(lines, obj, state, now)
    return literal(align(lines), multiline=True)


def _describe_meta(lines: list[str], obj: KubeObject) -> None:
    """Any other kind: what its metadata says."""
    meta = obj.meta
    add_head(lines, meta, namespaced=bool(meta.namespace))
    lines.append(f"CreationTimestamp:\t{describe_time(meta.creation_timestamp)}")
    add_labels(lines, "Labels", meta.labels)
    add_annotations(lines, meta.annotations)
    add_controlled_by(lines, meta)


_DESCRIBERS: dict[str, tuple[type, Callable[[list[str], Any, ClusterState, datetime], None]]] = {
    "services": (Service, describe_service),
    "pods": (Pod, describe_pod),
    "deployments": (Deployment, describe_deployment),
    "nodes": (Node, describe_node),
    "namespaces": (Namespace, describe_namespace),
}
