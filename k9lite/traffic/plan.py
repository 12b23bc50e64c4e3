"""A probe planned from a request and the cluster's state: its targets, expectations, tally."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from k9lite.analysis.answers import compile_match
from k9lite.analysis.doctor import diagnose
from k9lite.analysis.routes import build_route, ready_pods_by_node
from k9lite.analysis.stats import FAIRNESS_THRESHOLD, Summary, Tally, expected_shares
from k9lite.kube.proxy import ProxyAccess, proxy_access
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from k9lite.traffic.runner import Probe, ProbeError, ProbeOptions
from k9lite.traffic.vantage import Target, Via, service_port, targets

if TYPE_CHECKING:
    from k9lite.kube.config import Connection

__all__ = ["NoEndpoints", "PlannedProbe", "ProbeRequest", "plan_probe"]


class NoEndpoints(ProbeError):
    """No pod could answer: every request would fail."""


@dataclass(frozen=True, slots=True)
class ProbeRequest:
    """What the command line asked for."""

    service: str
    via: Via
    options: ProbeOptions
    port: str | None = None
    path: str = "/"
    node: str | None = None
    url: str | None = None
    match: str | None = None


@dataclass(frozen=True, slots=True)
class PlannedProbe:
    """A probe ready to run, with the tally it feeds and what it was asked to do."""

    probe: Probe
    tally: Tally
    request: ProbeRequest

    def headline(self, lead: str) -> tuple[str, ...]:
        """`{lead} via proxy`, `1,000 requests`, `a new connection each`: a histogram's title."""
        options = self.request.options
        if self.request.via == "proxy":
            # The API server picks a pod for each request: its connections are always kept.
            mode = "keep-alive to the API server"
        else:
            mode = "keep-alive" if options.keepalive else "a new connection each"
        return (f"{lead} via {self.request.via}", f"{options.count:,} requests", mode)

    def note(self, summary: Summary) -> tuple[str, ...]:
        """Why the spread looks as it does, when the options explain it."""
        options, via = self.request.options, self.request.via
        uneven = summary.fairness_p is not None and summary.fairness_p < FAIRNESS_THRESHOLD
        if options.keepalive and via != "proxy" and uneven:
            return (
                "keep-alive: a connection stays with the pod it reached",
                "kube-proxy spreads connections, not requests",
            )
        return ()

    def expect_from(self, state: ClusterState, service: Service) -> None:
        """Expect what the Service's endpoints now say: pods scaled in mid-run get a share."""
        ready = _ready(state, service, self.request)
        self.tally.expect(*_expectation(ready, service, self.request, self.probe.targets))


def plan_probe(
    connection: Connection | ProxyAccess,
    state: ClusterState,
    service: Service,
    request: ProbeRequest,
) -> PlannedProbe:
    """Targets, expected shares and the probe for `request`.

    Raises NoEndpoints when no pod could answer, and another ValueError (a bad --match, a way
    in the Service lacks, an option out of range) with a one-line reason.
    """
    match = compile_match(request.match) if request.match else None
    access = proxy_access(connection) if request.via == "proxy" else None
    port = service_port(service, request.port)
    route = build_route(state, service)
    ready = ready_pods_by_node(route, port)
    if request.via == "url":
        if not request.url:
            raise ProbeError("--via url needs --url URL")
        found = [Target(request.url, request.url)]
    else:
        # Endpoints the user may not list are unknown: the API server's proxy knows them.
        unknown = request.via == "proxy" and state.unknown("endpointslices") is not None
        if not ready and not unknown:
            raise NoEndpoints(_no_endpoints(state, service))
        found = targets(
            request.via,
            service,
            state,
            port=request.port,
            path=request.path,
            node=request.node,
            access=access,
        )
    namespace = service.meta.namespace

    def resolve(name: str) -> tuple[str | None, str | None]:
        pod = state.get("pods", namespace, name)
        return (name, pod.node_name) if pod is not None else (None, None)

    probe = Probe(
        found,
        request.options,
        resolve=resolve,
        match=match,
        access=access,
    )
    return PlannedProbe(probe, Tally(*_expectation(ready, service, request, found)), request)


def _no_endpoints(state: ClusterState, service: Service) -> str:
    """Why no pod can answer, in the doctor's words: its first finding (a selector that matches
    nothing, a targetPort no pod declares...)."""
    found = next((f for f in diagnose(state, service) if f.severity == "error"), None)
    why = f": {found.title}" if found is not None else ""
    return f"{service.meta.name} has no ready endpoint to answer{why}"


def _ready(state: ClusterState, service: Service, request: ProbeRequest) -> dict[str, list[str]]:
    """The pods that answer now on the probed port, by node."""
    return ready_pods_by_node(build_route(state, service), service_port(service, request.port))


def _expectation(
    ready: Mapping[str, Sequence[str]],
    service: Service,
    request: ProbeRequest,
    found: Sequence[Target],
) -> tuple[dict[str, float], dict[str, str]]:
    """The share each ready pod should get of the answers, and each such pod's node."""
    # Under Local policy a node sends only to its own pods; elsewhere any ready pod may answer.
    local = request.via in ("nodeport", "loadbalancer") and (
        service.external_traffic_policy == "Local"
    )
    entered = [t.node for t in found if t.node is not None] or None
    expected = expected_shares(ready, local=local, targeted_nodes=entered)
    return expected, {pod: node for node, pods in ready.items() for pod in pods}
