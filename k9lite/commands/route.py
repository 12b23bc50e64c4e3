"""`k9lite route [-n NS] SERVICE [--json]`: the route diagram, printed (or as JSON)."""

from __future__ import annotations

import dataclasses
import sys

from rich.console import Console

from k9lite.analysis.routes import build_route
from k9lite.commands.ahead import ReadAhead
from k9lite.commands.output import print_whole
from k9lite.model.services import Service
from k9lite.render.literal import json_line
from k9lite.render.route import RouteDiagram

__all__ = ["print_route"]


def print_route(read: ReadAhead[Service], *, json: bool = False) -> int:
    """The route of the Service `read` (`reads.read_one`) reads, as a diagram or JSON."""
    state, service = read.result()
    route = build_route(state, service)
    if json:
        # The same hops the diagram draws: lanes (one per port), stages outermost first.
        sys.stdout.write(json_line(dataclasses.asdict(route)))
    else:
        # Plain text, no colour codes, whole lines when stdout is not a terminal.
        print_whole(Console(highlight=False), RouteDiagram(route))
    return 0
