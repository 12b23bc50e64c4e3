"""What the doctor's active check saw, and what each outcome means.

The check sends one request to each ready endpoint of a Service port (a sample on a large
Service), a few through the Service itself, and, when endpoints refuse, tries the pod's other
likely ports. Through the API server's proxy a failure to reach the pod is the server's own
answer, not the pod's: kube-apiserver (k8s.io/apimachinery pkg/util/proxy/transport.go) answers
503 `error trying to reach service: dial tcp IP:PORT: connect: connection refused` when it cannot
dial, and 400 `address not allowed` for a pod without a usable IP
(pkg/registry/core/pod/strategy.go ResourceLocation). `verdict` reads those apart from what a
pod said.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from k9lite.analysis.stats import Outcome
from k9lite.model.services import ServicePort

__all__ = [
    "CheckReport",
    "Endpoint",
    "PortCheck",
    "Tried",
    "Verdict",
    "Via",
    "verdict",
]

Verdict = Literal[
    "answered", "http-error", "refused", "timeout", "no-address", "forbidden", "unchecked", "failed"
]
"""answered: the pod gave an HTTP answer under 500 (a 404 still proves it listens);
forbidden, unchecked: the API server would not forward the request (no permission; a proxy it
does not serve, a pod gone), so nothing is known of the pod."""

Via = Literal["proxy", "direct"]
"""proxy: through the API server (pod proxy, service proxy); direct: pod IPs and the ClusterIP."""

_UNREACHABLE = "error trying to reach service"


def verdict(outcome: Outcome) -> Verdict:
    """What one request's outcome says about the pod behind it."""
    detail = outcome.detail
    if outcome.error is None:
        return "answered"
    if outcome.error in ("refused", "timeout"):
        return outcome.error
    if outcome.error != "http":
        return "failed"
    status = outcome.status or 0
    if not outcome.from_server:
        return "http-error" if status >= 500 else "answered"
    if status == 503 and _UNREACHABLE in detail:
        # The API server could not dial the pod: the same failures as a direct dial.
        if "connection refused" in detail:
            return "refused"
        if "timeout" in detail or "deadline exceeded" in detail:
            return "timeout"
    if status == 400 and "address not allowed" in detail:
        return "no-address"
    if status == 403:
        return "forbidden"
    if status == 401:
        # The API server authenticated this client before it proxied the request (or nothing
        # else would have worked): a 401 is the backend's, passed through, so it listens.
        return "answered"
    return "failed" if status == 503 else "unchecked"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint of a Service port, as its EndpointSlice names it: the port is the number
    the targetPort resolved to on that pod."""

    address: str
    port: int
    pod: str | None = None
    node: str | None = None

    @property
    def label(self) -> str:
        where = f"{self.address}:{self.port}"
        shown = f"pod {self.pod} ({where})" if self.pod else where
        return f"{shown} on node {self.node}" if self.node else shown


@dataclass(frozen=True, slots=True)
class Tried:
    """A request to one endpoint and how it went."""

    endpoint: Endpoint
    outcome: Outcome

    @property
    def verdict(self) -> Verdict:
        return verdict(self.outcome)


@dataclass(frozen=True, slots=True)
class PortCheck:
    """The check of one Service port."""

    port: ServicePort
    index: int
    """The port's place in spec.ports (a JSON patch names it by index)."""
    total: int = 0
    """Ready endpoints of the port; more than len(tried) when only a sample was checked."""
    tried: tuple[Tried, ...] = ()
    through: tuple[Outcome, ...] = ()
    """Requests through the Service (its proxy, or its ClusterIP)."""
    elsewhere: tuple[Tried, ...] = ()
    """Other ports tried on a pod that refused the targetPort."""
    skipped: str = ""
    """Why the port was not checked ("UDP: only TCP is checked"), or "" when it was."""


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The active check of one Service."""

    via: Via
    path: str
    timeout: float
    ports: tuple[PortCheck, ...] = ()

    @property
    def through_label(self) -> str:
        return "through the service proxy" if self.via == "proxy" else "through the ClusterIP"
