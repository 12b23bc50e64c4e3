"""`k9lite route [-n NS] SERVICE`: the route diagram, printed."""

from __future__ import annotations

from rich.console import Console

from k9lite.analysis.route_types import ROUTE_KINDS
from k9lite.analysis.routes import build_route
from k9lite.commands.lookup import service_state
from k9lite.kube.config import Connection
from k9lite.render.route import RouteDiagram

__all__ = ["print_route"]


def print_route(connection: Connection, namespace: str, name: str) -> int:
    with service_state(connection, namespace, name, ROUTE_KINDS, "the route") as (state, service):
        route = build_route(state, service)
    # Plain text, no colour codes, when stdout is not a terminal (Rich decides).
    Console(highlight=False).print(RouteDiagram(route))
    return 0
