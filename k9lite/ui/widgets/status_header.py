"""The header line: context, server, namespace, and how the connection to the cluster is doing."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from k9lite.kube.status import PER_KIND, KindStatus, headline
from k9lite.render.literal import literal

__all__ = ["StatusHeader", "connection_summary", "header_line"]


def connection_summary(statuses: Mapping[str, KindStatus]) -> tuple[str, str]:
    """One word for the whole connection, and the one problem the header has room for ("" if
    none): why it is reconnecting. A kind forbidden or not served is not the connection's
    problem: its own view says so (and cells derived from it say "unknown")."""
    states = {s.state for s in statuses.values()}
    trouble = headline({k: s for k, s in statuses.items() if s.state not in PER_KIND})
    problem = "" if trouble is None else trouble.status.message
    if "reconnecting" in states or "error" in states:
        return "reconnecting", problem
    if not statuses or "loading" in states:
        return "loading", problem
    return "live", problem


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
        return header_line(
            context=self.context,
            server=self.server,
            namespace=self.namespace,
            connection=self.connection,
            problem=self.problem,
            readonly=self.readonly,
            width=self.content_size.width,
        )


def header_line(
    *,
    context: str,
    server: str,
    namespace: str,
    connection: str,
    problem: str,
    readonly: bool,
    width: int,
) -> Text:
    """The header in `width` cells. What gives way first: the server's scheme, then the server,
    then the problem's tail, then the app's name; context, namespace, the connection's state
    and read-only always stay."""
    marker = {"live": "●", "loading": "○", "reconnecting": "◌"}.get(connection, "?")
    state = (f"{marker} {connection}", "bold" if connection == "live" else "reverse")
    short_server = server.split("://", 1)[-1]
    tail = [("read-only", "bold reverse")] if readonly else []
    attempts = (
        (True, server, problem),
        (True, short_server, problem),
        (True, "", problem),
        (False, "", problem),
    )
    for brand, shown_server, shown_problem in attempts:
        line = _assemble(brand, context, shown_server, namespace, state, shown_problem, tail)
        if not width or line.cell_len <= width:
            return line
    # Still too wide: the problem is cut to what is left, with an ellipsis.
    room = width - _assemble(False, context, "", namespace, state, "", tail).cell_len - 3
    if room < 8:
        return _assemble(False, context, "", namespace, state, "", tail)
    cut = Text(problem)
    cut.truncate(room, overflow="ellipsis")
    return _assemble(False, context, "", namespace, state, cut.plain, tail)


def _assemble(
    brand: bool,
    context: str,
    server: str,
    namespace: str,
    state: tuple[str, str],
    problem: str,
    tail: list[tuple[str, str]],
) -> Text:
    parts: list[Text] = [Text(f"ctx {literal(context)}")]
    if server:
        parts.append(Text(literal(server)))
    parts += [Text(f"ns {literal(namespace)}"), Text(*state)]
    if problem:
        parts.append(Text(literal(problem), style="bold"))
    parts += [Text(*part) for part in tail]
    line = Text(" | ").join(parts)
    return Text.assemble(("k9lite ", "bold"), line) if brand else line
