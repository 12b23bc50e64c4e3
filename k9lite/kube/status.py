"""Why the feed of a kind is not live, sorted into a few causes, each with what to do about it.

The watcher turns every failure into a `KindStatus`; a front end shows it without knowing HTTP,
TLS or urllib3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from k9lite.kube.errors import Cause, ClusterUnreachable, KubeError, TLSFailure

__all__ = [
    "KindState",
    "KindStatus",
    "Reason",
    "Trouble",
    "headline",
    "http_failure",
    "stalled",
    "transport_failure",
]

KindState = Literal["loading", "live", "reconnecting", "forbidden", "missing", "error"]
PER_KIND: frozenset[KindState] = frozenset({"forbidden", "missing"})
"""States of one kind that say nothing of the connection: its own view says them."""
Reason = Literal[
    "",
    "tls",
    "unauthorized",
    "forbidden",
    "not-served",
    "refused",
    "timeout",
    "unreachable",
    "server",
    "internal",
]


@dataclass(frozen=True, slots=True)
class KindStatus:
    """How the feed of one kind is doing, and when it is not live, why and what to do.

    How to show it: `state` is the header's word (live, loading, reconnecting...); when it is
    not live, `message` is one line saying what failed and `hint` one line saying what to do
    (both are text from the server or the network: show them literally, never as markup).
    `reason` sorts the failure for an icon, a colour or grouping the kinds that fail alike:
    tls, unauthorized (401), forbidden (403), refused, timeout, unreachable, server (5xx, 429
    or another refusal), internal (a bug in k9lite); "" while loading or live.
    """

    state: KindState
    message: str = ""
    reason: Reason = ""
    hint: str = ""


_RELOAD = "k9lite re-reads the kubeconfig on every retry"


def _tls(error: TLSFailure, answered_before: bool) -> KindStatus:
    unsigned = "certificate verify failed" in error.reason and "mismatch" not in error.reason
    if unsigned and answered_before:
        return KindStatus(
            "reconnecting",
            f"TLS failure talking to {error.server}: the server's certificate is not signed by "
            "the kubeconfig's CA — was the cluster restarted?",
            "tls",
            f"give the kubeconfig the new cluster's CA and token ({_RELOAD})",
        )
    return KindStatus(
        "reconnecting",
        str(error),
        "tls",
        "check the cluster's certificate-authority-data and server URL in the kubeconfig",
    )


_UNREACHABLE: dict[Cause, tuple[Reason, str]] = {
    "refused": (
        "refused",
        "is the API server running? (the demo: k9lite demo-cluster); k9lite retries",
    ),
    "timeout": (
        "timeout",
        "the server or the network is not answering (VPN, proxy?); k9lite retries",
    ),
    "lost": (
        "unreachable",
        "the server dropped the connection (stopped or restarted?); k9lite retries",
    ),
    "unreachable": ("unreachable", "check the server URL and the network; k9lite retries"),
}


def _unreachable(error: ClusterUnreachable) -> KindStatus:
    reason, hint = _UNREACHABLE[error.cause]
    return KindStatus("reconnecting", str(error), reason, hint)


def transport_failure(error: KubeError, *, answered_before: bool) -> KindStatus:
    """A failure to talk to the server at all (TLS, refused, timeout, lost connection).

    `answered_before`: the server answered with these credentials earlier, so a certificate
    it now presents unsigned means a new cluster (a restart with a new CA), not a typo.
    """
    if isinstance(error, TLSFailure):
        return _tls(error, answered_before)
    if isinstance(error, ClusterUnreachable):
        return _unreachable(error)
    return KindStatus("reconnecting", str(error), "unreachable", "k9lite retries")


def http_failure(server: str, kind: str, code: int, message: str) -> KindStatus:
    """The server answered `code` (an HTTP status, or an ERROR event's code) with `message`."""
    if code == 401:
        return KindStatus(
            "reconnecting",
            f"{server} rejected the credentials (401 Unauthorized): the token is expired, "
            "rotated or wrong",
            "unauthorized",
            f"refresh the credentials in the kubeconfig ({_RELOAD})",
        )
    if code == 403:
        return KindStatus(
            "forbidden",
            message,
            "forbidden",
            f"ask for list and watch on {kind} (kubectl auth can-i watch {kind}); "
            "k9lite retries slowly",
        )
    if code == 404:
        # The resource is not (or no longer) served: a CustomResourceDefinition deleted, an
        # API not installed. The other kinds are not concerned.
        return KindStatus(
            "missing",
            f"{server} does not serve {kind} (404): {message}",
            "not-served",
            "its API is not installed (or its CustomResourceDefinition was deleted); "
            "k9lite retries slowly",
        )
    if code == 429 or code >= 500:
        return KindStatus(
            "reconnecting",
            f"{server} answered {code}: {message}",
            "server",
            "the API server is failing or overloaded; k9lite retries and relists",
        )
    return KindStatus("error", f"{code}: {message}", "server", "k9lite retries and relists")


def stalled(seconds: float) -> KindStatus:
    """A watch silent for longer than the server's bookmarks are apart: a dead connection."""
    return KindStatus(
        "reconnecting",
        f"no event or bookmark for {seconds:g} s: the connection is stalled",
        "timeout",
        "the server or the network stopped answering; k9lite restarts the watch",
    )


# What the header names first when kinds fail for different reasons: the causes that stop every
# kind (a new CA, a rejected token, no server) before those of one kind (403).
_PRIORITY: tuple[Reason, ...] = (
    "tls",
    "unauthorized",
    "refused",
    "timeout",
    "unreachable",
    "server",
    "internal",
    "forbidden",
)


@dataclass(frozen=True, slots=True)
class Trouble:
    """The one failure a one-line header has room for, and every kind failing for that reason."""

    status: KindStatus
    kinds: tuple[str, ...]


def headline(statuses: Mapping[str, KindStatus]) -> Trouble | None:
    """The most telling failure among the kinds' statuses (see _PRIORITY); None if none fails.

    Show it as `◌ reconnecting (pods, nodes...): <status.message>` with `status.hint` beside or
    under it.
    """
    for reason in _PRIORITY:
        kinds = sorted(kind for kind, status in statuses.items() if status.reason == reason)
        if kinds:
            return Trouble(statuses[kinds[0]], tuple(kinds))
    return None
