"""`k9lite probe [-n NS] SERVICE --via ...`: fire test requests and print who answered.

Exit status 1 when every request failed (or the Service has no ready endpoint to answer).
"""

from __future__ import annotations

import dataclasses
import sys
import time

import uvloop
from rich.console import Console

from k9lite.commands.ahead import ReadAhead
from k9lite.commands.lookup import CommandFailed
from k9lite.commands.output import print_whole
from k9lite.commands.reads import read_one, reading
from k9lite.kube.proxy import ProxyAccess
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from k9lite.render.histogram import Histogram
from k9lite.render.literal import json_line, literal
from k9lite.traffic.plan import NoEndpoints, ProbeRequest, plan_probe
from k9lite.traffic.runner import Reply

__all__ = ["print_probe", "print_reply"]


def print_probe(
    access: ProxyAccess,
    read: ReadAhead[Service],
    namespace: str,
    request: ProbeRequest,
    *,
    json: bool,
    log: bool,
) -> int:
    """Run the probe on what `read` (`reads.read_one`) reads, print the distribution (or
    JSON); 1 when nothing answered."""
    state, service = read.result()
    try:
        planned = plan_probe(access, state, service, request)
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
    # Read again: pods scaled in during the run have their share.
    planned.expect_from(*_read(access, namespace, request.service))
    summary = planned.tally.summary()
    if json:
        header = {"service": request.service, "via": request.via, "seconds": seconds}
        document = header | {"stopped": stopped} | dataclasses.asdict(summary)
        sys.stdout.write(json_line(document))
    else:
        title = planned.headline(request.service) + (("stopped",) if stopped else ())
        print_whole(console, Histogram(summary, title=title, note=planned.note(summary)))
    return 1 if summary.answered == 0 else 0


def _read(access: ProxyAccess, namespace: str, name: str) -> tuple[ClusterState, Service]:
    """The Service and what its probe plan reads: its endpoints, pods, nodes."""
    with reading(access, "the probe") as reads:
        service = read_one(reads, namespace, name, doctor=False)
    return reads.state, service


def print_reply(console: Console, reply: Reply) -> None:
    """One answer of `--log`: one line, unwrapped, as the curl loop prints it (for grep).

    The line quotes the body: its escape sequences are shown, not obeyed.
    """
    console.print(literal(reply.line), markup=False, soft_wrap=True)
