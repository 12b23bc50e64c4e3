"""Services: kubectl's columns plus ENDPOINTS (counts first), and after each name the doctor's
verdict as `k9lite diagnose` gives it (✗ error, ! warning, ? could not check, no mark when ok);
Enter lists the pods it selects."""

from __future__ import annotations

from k9lite.kinds.base import Action, Kind
from k9lite.model.kinds import RESOURCES
from k9lite.model.services import Service
from k9lite.render.doctor import verdict_mark
from k9lite.render.rows import (
    UNKNOWN_ENDPOINTS,
    RowContext,
    ViewSpec,
    age,
    age_column,
    column,
    endpoints_cell,
    external_ip,
    ports_text,
    ready_endpoints,
)


def _service(svc: Service, context: RowContext) -> tuple[str, ...]:
    selector = ",".join(f"{k}={v}" for k, v in sorted((svc.selector or {}).items()))
    if context.state.unknown("endpointslices") is not None:
        # Not allowed to know is not none: the cell says so (and the doctor's verdict is ?).
        endpoints = UNKNOWN_ENDPOINTS
    else:
        endpoints = endpoints_cell(*ready_endpoints(svc, context.state))
    # The mark follows the name, which keeps sorting by name; `d` says what is wrong.
    mark = verdict_mark(context.verdicts.of(context.state, svc))
    name = f"{svc.meta.name} {mark}" if mark else svc.meta.name
    return (
        name,
        svc.type,
        svc.cluster_ip or "<none>",
        external_ip(svc),
        ports_text(svc),
        endpoints,
        selector or "<none>",
        age(svc, context.now),
    )


KIND = Kind(
    RESOURCES["services"],
    "Services",
    ViewSpec(
        "services",
        "Services",
        True,
        # PORT(S) is never cut (`8080:3…` reads as another port); ENDPOINTS narrows to its
        # counts ("2 ready"); a name cut keeps its end, where the verdict's mark is.
        (
            column("NAME", min_width=18, cut="middle"),
            column("TYPE"),
            column("CLUSTER-IP"),
            column("EXTERNAL-IP", priority=1),
            column("PORT(S)"),
            column("ENDPOINTS", min_width=10, rest_priority=1),
            column("SELECTOR", priority=2, min_width=12),
            age_column(3),
        ),
        _service,
        "Service",
    ),
    enter="pods",
    actions=frozenset(
        {
            Action.DESCRIBE,
            Action.YAML,
            Action.DELETE,
            Action.ROUTE,
            Action.TRAFFIC,
            Action.LOGS,
            Action.FORWARD,
        }
    ),
)
