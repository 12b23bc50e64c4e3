"""`k9lite probe [-n NS] SERVICE --via ...`: fire test requests and print who answered.

Exit status 1 when every request failed (or the Service has no ready endpoint to answer).
"""

from __future__ import annotations

import dataclasses
import sys
import time

import uvloop
from rich.console import Console

from k9lite.analysis.route_types import ROUTE_KINDS
from k9lite.commands.lookup import CommandFailed, service_state
from k9lite.commands.output import print_whole
from k9lite.kube.config import Connection
from k9lite.render.histogram import Histogram
from k9lite.render.literal import json_line, literal
from k9lite.traffic.plan import NoEndpoints, ProbeRequest, plan_probe
from k9lite.traffic.runner import Reply

__all__ = ["print_probe", "print_reply"]


def print_probe(
    connection: Connection, namespace: str, request: ProbeRequest, *, json: bool, log: bool
) -> int:
    """Run the probe, print the distribution (or JSON); 1 when nothing answered."""
    # The state stays watched while the probe runs: pods added by a scale are recognised.
    with service_state(connection, namespace, request.service, ROUTE_KINDS, "the probe") as (
        state,
        service,
    ):
        try:
            planned = plan_probe(connection, state, service, request)
        except NoEndpoints as exc:
            raise CommandFailed(str(exc), status=1) from None
        except ValueError as exc:  # a bad --match, a way in it lacks, an option out of range
            raise CommandFailed(str(exc)) from None
        console = Console(highlight=False)

        def on_reply(reply: Reply) -> None:
            planned.tally.add(reply.outcome)
            if log and not json:
                print_reply(console, reply)

        stopped = False
        started = time.perf_counter()
        try:
            uvloop.run(planned.probe.run(on_reply))
        except KeyboardInterrupt:
            stopped = True
        seconds = time.perf_counter() - started
        planned.expect_from(state, service)  # pods scaled in during the run have their share
    summary = planned.tally.summary()
    if json:
        header = {"service": request.service, "via": request.via, "seconds": seconds}
        document = header | {"stopped": stopped} | dataclasses.asdict(summary)
        sys.stdout.write(json_line(document))
    else:
        title = planned.headline(request.service) + (("stopped",) if stopped else ())
        print_whole(console, Histogram(summary, title=title, note=planned.note(summary)))
    return 1 if summary.answered == 0 else 0


def print_reply(console: Console, reply: Reply) -> None:
    """One answer of `--log`: one line, unwrapped, as the curl loop prints it (for grep).

    The line quotes the body: its escape sequences are shown, not obeyed.
    """
    console.print(literal(reply.line), markup=False, soft_wrap=True)
