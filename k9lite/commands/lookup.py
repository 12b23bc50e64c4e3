"""How a one-shot command stops: one plain line and an exit status."""

from __future__ import annotations

from k9lite.model.state import ClusterState
from k9lite.render.literal import literal

__all__ = ["CommandFailed", "not_found"]


class CommandFailed(Exception):
    """A one-line reason to stop, and the exit status to stop with.

    The reason may quote the server (a Status message) or a name: it is kept literal.
    """

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(literal(message))
        self.status = status


def not_found(state: ClusterState, namespace: str, name: str) -> str:
    """`no service 'x' in namespace default; there: a, b`."""
    names = sorted(s.meta.name for s in state.objects("services", namespace))
    there = f"; there: {', '.join(names)}" if names else "; it has none"
    return f"no service {name!r} in namespace {namespace}{there}"
