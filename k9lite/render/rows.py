"""Objects as table rows, kubectl's columns first: one pure function per view, `now` passed in.

As k9s's render package: a row has a stable key (`namespace/name`), and cells are plain strings
so the same rows serve the TUI's tables and any text output. Cells are shown literally: any
control character in a name, label, image or message is a visible escape (`render.literal`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from k9lite.analysis.verdicts import Verdicts
from k9lite.model.durations import human_duration
from k9lite.model.endpoints import port_endpoints
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from k9lite.render.literal import literal

__all__ = [
    "NAME",
    "UNKNOWN_ENDPOINTS",
    "RowContext",
    "ViewColumn",
    "ViewSpec",
    "age",
    "age_column",
    "column",
    "endpoints_cell",
    "endpoints_text",
    "external_ip",
    "key_of",
    "ports_text",
    "ready_endpoints",
    "row_key",
]

_ENDPOINTS_SHOWN = 3
UNKNOWN_ENDPOINTS = "? unknown (may not list endpointslices)"
"""The ENDPOINTS cell when the user may not list EndpointSlices (the header says why)."""


@dataclass(frozen=True, slots=True)
class ViewColumn:
    """A column of a view; `order` says how to sort its text ("age", "number" or plain).

    On a narrow terminal the columns of highest `priority` drop out first (0: always shown);
    a column with a `min_width` may narrow to it, its width past that counting at
    `rest_priority` (default: its own); `cut` says where a cell too wide loses its text
    ("middle" keeps a pod name's random suffix).
    """

    key: str
    label: str
    order: str = ""
    align: str = "left"
    priority: int = 0
    min_width: int | None = None
    cut: Literal["end", "middle"] = "end"
    rest_priority: int | None = None


@dataclass(frozen=True, slots=True)
class RowContext:
    """What a row needs besides its object: the time, the state for related objects, and the
    view's doctor verdicts (kept between its refreshes: `analysis.verdicts`)."""

    now: datetime
    state: ClusterState
    all_namespaces: bool
    verdicts: Verdicts = field(default_factory=Verdicts)


@dataclass(frozen=True, slots=True)
class ViewSpec:
    """One resource view: which kind it lists, its columns, and how an object becomes a row."""

    kind: str
    title: str
    namespaced: bool
    columns: tuple[ViewColumn, ...]
    cells: Callable[[Any, RowContext], tuple[str, ...]]
    object_kind: str
    """The kind's name in the API (`Pod`): what Events and owner references call it."""

    def columns_for(self, all_namespaces: bool) -> tuple[ViewColumn, ...]:
        if self.namespaced and all_namespaces:
            return (_NAMESPACE, *self.columns)
        return self.columns

    def row(self, obj: Any, context: RowContext) -> tuple[str, ...]:
        """The object's cells, each one line of literal text."""
        cells = self.cells(obj, context)
        if self.namespaced and context.all_namespaces:
            cells = (obj.meta.namespace, *cells)
        return tuple(literal(cell) for cell in cells)


def row_key(obj: Any) -> str:
    """The stable key of an object's row: `namespace/name` (`name` when cluster-scoped)."""
    return key_of(*obj.meta.key)


def key_of(namespace: str, name: str) -> str:
    return f"{namespace}/{name}" if namespace else name


def age(obj: Any, now: datetime) -> str:
    created = obj.meta.creation_timestamp
    return "<unknown>" if created is None else human_duration(now - created)


def external_ip(svc: Service) -> str:
    """EXTERNAL-IP as kubectl prints it: the LB's addresses, `<pending>`, or `<none>`."""
    if svc.type == "ExternalName":
        return svc.external_name or "<none>"
    found = [*svc.external_ips, *(i.ip or i.hostname for i in svc.load_balancer_ingress)]
    if found:
        return ",".join(found)
    return "<pending>" if svc.type == "LoadBalancer" else "<none>"


def ports_text(svc: Service) -> str:
    """PORT(S): `8080:30080/TCP,53/UDP`."""
    return (
        ",".join(
            f"{p.port}:{p.node_port}/{p.protocol}" if p.node_port else f"{p.port}/{p.protocol}"
            for p in svc.ports
        )
        or "<none>"
    )


def ready_endpoints(svc: Service, state: ClusterState) -> tuple[list[str], int]:
    """The ready `ip:port` endpoints of a Service, and how many are not ready: the addresses
    kube-proxy programs, port by port (`port_endpoints`), as describe, route and doctor see them."""
    slices = state.endpoint_slices_of(svc)
    names: list[str | None] = [port.name for port in svc.ports] or [None]
    ready: list[str] = []
    not_ready = 0
    for name in names:
        found = port_endpoints(slices, name)
        ready += found.ready
        not_ready += len(found.not_ready)
    return ready, not_ready


def endpoints_text(svc: Service, state: ClusterState) -> str:
    """Ready `ip:port` endpoints (the first few), then how many more and how many not ready;
    `? unknown` when the user may not list EndpointSlices."""
    if state.unknown("endpointslices") is not None:
        return UNKNOWN_ENDPOINTS
    return endpoints_cell(*ready_endpoints(svc, state))


def endpoints_cell(ready: list[str], not_ready: int) -> str:
    """`2 ready · 127.244.2.2:8080,127.244.3.2:8080`: the counts first, so that a narrow
    column cut at the end still says how many endpoints are ready."""
    if not ready and not not_ready:
        return "<none>"
    counts = f"{len(ready)} ready" + (f", {not_ready} not ready" if not_ready else "")
    if not ready:
        return counts
    text = ",".join(sorted(ready)[:_ENDPOINTS_SHOWN])
    if len(ready) > _ENDPOINTS_SHOWN:
        text += f" +{len(ready) - _ENDPOINTS_SHOWN} more"
    return f"{counts} · {text}"


def column(
    label: str,
    order: str = "",
    *,
    priority: int = 0,
    min_width: int | None = None,
    cut: Literal["end", "middle"] = "end",
    rest_priority: int | None = None,
) -> ViewColumn:
    """A column named by its kubectl label; numbers align right."""
    key = label.lower().replace("(s)", "s").replace("-", "_")
    align = "right" if order == "number" else "left"
    return ViewColumn(key, label, order, align, priority, min_width, cut, rest_priority)


# Names narrow before anything that carries a value is dropped or cut; a pod's name is cut in
# the middle, keeping the random suffix that tells it from its siblings.
NAME = column("NAME", min_width=18)
_NAMESPACE = column("NAMESPACE", min_width=9)


def age_column(priority: int) -> ViewColumn:
    return column("AGE", "age", priority=priority)
