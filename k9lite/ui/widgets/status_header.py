"""The header line: context, server, namespace, and how the connection to the cluster is doing."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from k9lite.kube.watch import KindStatus

__all__ = ["StatusHeader", "connection_summary"]


def connection_summary(statuses: Mapping[str, KindStatus]) -> tuple[str, str]:
    """One word for the whole connection, and what is wrong with which kinds ("" if nothing)."""
    states = {s.state for s in statuses.values()}
    forbidden = sorted(kind for kind, s in statuses.items() if s.state == "forbidden")
    detail = f"forbidden: {', '.join(forbidden)}" if forbidden else ""
    if "reconnecting" in states or "error" in states:
        return "reconnecting", detail
    if not statuses or "loading" in states:
        return "loading", detail
    return "live", detail


class StatusHeader(Static):
    """`ctx k9lite-demo | https://127.0.0.1:6443 | ns default | live`, one line, fixed size."""

    context: reactive[str] = reactive("")
    """The kubeconfig context in use."""
    server: reactive[str] = reactive("")
    """The API server's URL."""
    namespace: reactive[str] = reactive("")
    """The namespace shown, or "all"."""
    connection: reactive[str] = reactive("loading")
    """live, loading or reconnecting."""
    problem: reactive[str] = reactive("")
    """What does not work, e.g. "forbidden: nodes"; empty when all is well."""
    readonly: reactive[bool] = reactive(False)
    """Whether scale and delete are disabled."""

    def render(self) -> Text:
        marker = {"live": "●", "loading": "○", "reconnecting": "◌"}.get(self.connection, "?")
        text = Text.assemble(
            ("k9lite ", "bold"),
            f"ctx {self.context} | {self.server} | ns {self.namespace} | ",
            (f"{marker} {self.connection}", "bold" if self.connection == "live" else "reverse"),
        )
        if self.problem:
            text.append(f" | {self.problem}", style="bold")
        if self.readonly:
            text.append(" | read-only")
        return text
