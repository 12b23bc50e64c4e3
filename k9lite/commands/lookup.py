"""List what a one-shot command needs, once, and find its Service; say plainly what failed."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from k9lite.kube.config import Connection
from k9lite.kube.feed import watching
from k9lite.kube.watch import KindStatus
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from k9lite.render.literal import literal

__all__ = ["CommandFailed", "namespace_state", "not_found", "service_state"]

_NO_ANSWER = KindStatus("error", "no answer in time")


class CommandFailed(Exception):
    """A one-line reason to stop, and the exit status to stop with.

    The reason may quote the server (a Status message) or a name: it is kept literal.
    """

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(literal(message))
        self.status = status


@contextmanager
def namespace_state(
    connection: Connection,
    namespace: str,
    kinds: Sequence[str],
    purpose: str,
    *,
    everywhere: bool = False,
) -> Iterator[ClusterState]:
    """The live state of `kinds` in `namespace` (nodes cluster-wide), watched until the block ends.

    With `everywhere`, every namespace when the user may list them all (the doctor looks for
    pods in other namespaces), else `namespace` alone. A kind other than services that cannot
    be listed is said on stderr and left out of the `purpose` ("the route"); services that
    cannot be listed stop.
    """
    if everywhere:
        with watching(connection, kinds, None) as (feed, statuses):
            if all(statuses.get(kind, _NO_ANSWER).state == "live" for kind in kinds):
                yield feed.state
                return
        print(
            f"k9lite: {purpose} looks in namespace {namespace} only: "
            "not every kind can be listed in all namespaces",
            file=sys.stderr,
        )
    with watching(connection, kinds, namespace) as (feed, statuses):
        for kind in kinds:
            status = statuses.get(kind)
            if status is None or status.state != "live":
                why = status.message if status is not None else "no answer in time"
                if kind == "services":
                    raise CommandFailed(f"cannot list services in {namespace}: {why}")
                print(f"k9lite: {purpose} leaves out {kind}: {literal(why)}", file=sys.stderr)
        yield feed.state


@contextmanager
def service_state(
    connection: Connection, namespace: str, name: str, kinds: Sequence[str], purpose: str
) -> Iterator[tuple[ClusterState, Service]]:
    """`namespace_state`, and the Service `name` in it; no such Service stops."""
    with namespace_state(connection, namespace, kinds, purpose) as state:
        service = state.get("services", namespace, name)
        if service is None:
            raise CommandFailed(not_found(state, namespace, name))
        yield state, service


def not_found(state: ClusterState, namespace: str, name: str) -> str:
    """`no service 'x' in namespace default; there: a, b`."""
    names = sorted(s.meta.name for s in state.objects("services", namespace))
    there = f"; there: {', '.join(names)}" if names else "; it has none"
    return f"no service {name!r} in namespace {namespace}{there}"
