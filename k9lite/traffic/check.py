"""The doctor's active check: does anything answer behind a Service's ready endpoints?

One request to each ready endpoint of each TCP port (through the API server's pod proxy, or
straight to the pod IP with `via="direct"`), and a few through the Service (its service proxy,
or its ClusterIP). When an endpoint refuses, the pod's other likely ports are tried once each,
so that the doctor can say where the program listens instead. Bounded everywhere: at most
`endpoints` endpoints a port (a sample spread over nodes), `concurrency` requests in flight for
every Service checked at once, `timeout` a request, and the whole check `MAX_SECONDS`. It runs on
the probe's runner (`Probe`), one run per phase.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest

from k9lite.analysis.check_results import CheckReport, Endpoint, PortCheck, Tried, Via
from k9lite.analysis.route_types import join_host_port
from k9lite.analysis.stats import Outcome
from k9lite.kube.proxy import ProxyAccess
from k9lite.model.services import Service, ServicePort
from k9lite.model.state import ClusterState
from k9lite.traffic.runner import Probe, ProbeOptions, Reply
from k9lite.traffic.vantage import Target

__all__ = ["CheckOptions", "check_services", "ready_endpoints"]

MAX_SECONDS = 30.0
"""The whole check, every Service and phase together, stops after this."""

# Port names and appProtocols that say the port speaks something other than HTTP: an HTTP
# request there proves nothing, so those ports are left out (and said to be).
_NOT_HTTP = ("grpc", "mysql", "postgres", "redis", "mongo", "amqp", "kafka", "dns", "smtp")
_OTHER_PORTS = (80, 8080)
"""Ports a web server commonly listens on, tried on a pod that refused its targetPort."""


@dataclass(frozen=True, slots=True)
class CheckOptions:
    via: Via = "proxy"
    path: str = "/"
    timeout: float = 2.0
    endpoints: int = 10
    """At most this many endpoints a port are tried: a sample, spread over nodes."""
    through: int = 3
    """Requests through the Service, a port."""
    concurrency: int = 16


@dataclass(slots=True)
class _Plan:
    """The requests of one phase: targets in order, and what each label stands for."""

    targets: list[Target] = field(default_factory=list)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)

    def add(self, target: Target, endpoint: Endpoint | None = None, times: int = 1) -> None:
        self.targets += [target] * times
        if endpoint is not None:
            self.endpoints[target.label] = endpoint

    def take(self, label: str) -> list[Outcome]:
        return self.outcomes.get(label, [])


def ready_endpoints(state: ClusterState, service: Service, port: ServicePort) -> list[Endpoint]:
    """The ready endpoints of one Service port, from its EndpointSlices (first address each)."""
    found: dict[tuple[str, int], Endpoint] = {}
    for endpoint_slice in state.endpoint_slices_of(service):
        number = next(
            (
                p.port
                for p in endpoint_slice.ports
                if p.name == port.name and p.protocol == port.protocol
            ),
            None,
        )
        if number is None:
            continue
        for endpoint in endpoint_slice.endpoints:
            if not endpoint.ready or not endpoint.addresses:
                continue
            target = endpoint.target
            pod = target.name if target is not None and target.kind == "Pod" else None
            address = endpoint.addresses[0]
            found.setdefault(
                (address, number), Endpoint(address, number, pod, endpoint.node_name or None)
            )
    return sorted(found.values(), key=lambda e: (e.node or "", e.pod or "", e.address))


def _sample(endpoints: Sequence[Endpoint], limit: int) -> list[Endpoint]:
    """At most `limit` endpoints, taken a node at a time so that every node is seen early."""
    by_node: dict[str, list[Endpoint]] = {}
    for endpoint in endpoints:
        by_node.setdefault(endpoint.node or "", []).append(endpoint)
    spread = [e for row in zip_longest(*by_node.values()) for e in row if e is not None]
    return spread[:limit]


def _scheme(port: ServicePort) -> str:
    """ "https" for a port that says it speaks TLS (by appProtocol or name), else ""."""
    said = (port.app_protocol or port.name).lower()
    return "https" if said == "https" or said.startswith("https-") else ""


def _skip(port: ServicePort) -> str:
    if port.protocol != "TCP":
        return f"{port.protocol}: only TCP ports are checked"
    said = f"{port.name} {port.app_protocol}".lower()
    speaks = next((word for word in _NOT_HTTP if word in said), None)
    return f"it speaks {speaks}, not HTTP" if speaks else ""


class _Check:
    """The check of several Services, phase by phase."""

    def __init__(
        self, state: ClusterState, options: CheckOptions, access: ProxyAccess | None
    ) -> None:
        self.state = state
        self.options = options
        self.access = access
        self.nodes = {pod.meta.name: pod.node_name for pod in state.objects("pods")}

    def endpoint_target(
        self, service: Service, port: ServicePort, endpoint: Endpoint, key: str
    ) -> Target | None:
        label = f"{key} {endpoint.address}:{endpoint.port}"
        path, scheme = self.options.path, _scheme(port)
        if self.options.via == "direct":
            address = join_host_port(endpoint.address, endpoint.port)
            return Target(label, f"{scheme or 'http'}://{address}{path}")
        if endpoint.pod is None or self.access is None:
            return None  # the API server proxies to pods and Services, not to any address
        namespace = service.meta.namespace
        url = self.access.pod_url(namespace, endpoint.pod, endpoint.port, path, scheme)
        return Target(label, url, proxied=True)

    def through_target(self, service: Service, port: ServicePort, key: str) -> Target | None:
        path, label, scheme = self.options.path, f"{key} through", _scheme(port)
        if self.options.via == "direct":
            if service.headless:
                return None
            address = join_host_port(service.cluster_ip, port.port)
            return Target(label, f"{scheme or 'http'}://{address}{path}")
        if self.access is None:
            return None
        name, namespace = service.meta.name, service.meta.namespace
        url = self.access.service_url(namespace, name, port.name or port.port, path, scheme)
        return Target(label, url, proxied=True)

    async def run(self, plan: _Plan, deadline: float) -> None:
        """Send the plan's requests, each once, and file the outcomes by label."""
        if not plan.targets:
            return
        options = self.options
        concurrency = min(options.concurrency, len(plan.targets))
        rounds = math.ceil(len(plan.targets) / concurrency)
        duration = max(0.1, min(deadline, options.timeout * rounds + 1.0))
        probe = Probe(
            plan.targets,
            ProbeOptions(
                count=len(plan.targets),
                duration=duration,
                concurrency=concurrency,
                timeout=options.timeout,
                verify=False,
            ),
            resolve=lambda name: (name, self.nodes.get(name)),
            access=self.access,
        )

        def filed(reply: Reply) -> None:
            plan.outcomes.setdefault(reply.outcome.target, []).append(reply.outcome)

        await probe.run(filed)

    def elsewhere(
        self, service: Service, port: ServicePort, key: str, refused: Endpoint, plan: _Plan
    ) -> None:
        """Other likely ports of a pod that refused: those it declares, the Service's port,
        80 and 8080."""
        pod = self.state.get("pods", service.meta.namespace, refused.pod or "")
        declared = [
            p.container_port
            for container in (pod.containers if pod is not None else ())
            for p in container.ports
            if p.protocol == "TCP"
        ]
        service_ports = [p.port for p in service.ports]
        ports = dict.fromkeys([*declared, *service_ports, *_OTHER_PORTS])
        ports.pop(refused.port, None)
        for number in list(ports)[:4]:
            other = Endpoint(refused.address, number, refused.pod, refused.node)
            target = self.endpoint_target(service, port, other, f"{key} elsewhere")
            if target is not None:
                plan.add(target, other)


async def check_services(
    state: ClusterState,
    services: Iterable[Service],
    options: CheckOptions,
    access: ProxyAccess | None,
) -> dict[tuple[str, str], CheckReport]:
    """The active check of each Service (ExternalName ones have nothing to check)."""
    check = _Check(state, options, access)
    first = _Plan()
    planned: list[tuple[Service, list[tuple[int, ServicePort, str, list[Endpoint]]]]] = []
    for service in services:
        if service.type == "ExternalName":
            continue
        ports = []
        for index, port in enumerate(service.ports):
            key = f"{service.meta.namespace}/{service.meta.name}/{index}"
            ready = ready_endpoints(state, service, port)
            ports.append((index, port, key, ready))
            if _skip(port):
                continue
            for endpoint in _sample(ready, options.endpoints):
                target = check.endpoint_target(service, port, endpoint, key)
                if target is not None:
                    first.add(target, endpoint)
            through = check.through_target(service, port, key)
            if through is not None and ready:
                first.add(through, times=options.through)
        planned.append((service, ports))
    await check.run(first, MAX_SECONDS)
    second = _Plan()
    for service, ports in planned:
        for _, port, key, _ in ports:
            refused = [t.endpoint for t in _tried(first, f"{key} ") if t.verdict == "refused"]
            if refused and refused[0].pod:
                check.elsewhere(service, port, key, refused[0], second)
    await check.run(second, MAX_SECONDS / 2)
    return {
        service.meta.key: _report(options, service, ports, first, second)
        for service, ports in planned
    }


def _tried(plan: _Plan, prefix: str) -> tuple[Tried, ...]:
    return tuple(
        Tried(endpoint, outcome)
        for label, endpoint in plan.endpoints.items()
        if label.startswith(prefix)
        for outcome in plan.take(label)[:1]
    )


def _report(
    options: CheckOptions,
    service: Service,
    ports: list[tuple[int, ServicePort, str, list[Endpoint]]],
    first: _Plan,
    second: _Plan,
) -> CheckReport:
    checks = []
    for index, port, key, ready in ports:
        skipped = _skip(port)
        checks.append(
            PortCheck(
                port,
                index,
                total=len(ready),
                tried=() if skipped else _tried(first, f"{key} "),
                through=tuple(first.take(f"{key} through")),
                elsewhere=_tried(second, f"{key} elsewhere "),
                skipped=skipped,
            )
        )
    return CheckReport(options.via, options.path, options.timeout, tuple(checks))
