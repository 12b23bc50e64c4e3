"""`k9lite route [-n NS] SERVICE [--json]`: the route diagram, printed (or as JSON)."""

from __future__ import annotations

import dataclasses
import sys

from rich.console import Console

from k9lite.analysis.routes import build_route
from k9lite.commands.output import print_whole
from k9lite.commands.reads import read_around, read_service, reading
from k9lite.kube.proxy import ProxyAccess
from k9lite.render.literal import json_line
from k9lite.render.route import RouteDiagram

__all__ = ["print_route"]


def print_route(access: ProxyAccess, namespace: str, name: str, *, json: bool = False) -> int:
    with reading(access, "the route") as reads:
        service = read_service(reads, namespace, name)
        read_around(reads, namespace, [service], doctor=False)
    route = build_route(reads.state, service)
    if json:
        # The same hops the diagram draws: lanes (one per port), stages outermost first.
        sys.stdout.write(json_line(dataclasses.asdict(route)))
    else:
        # Plain text, no colour codes, whole lines when stdout is not a terminal.
        print_whole(Console(highlight=False), RouteDiagram(route))
    return 0
