"""Ingresses in front of a Service: a backend port the Service does not have, routes to a Service
with no ready endpoint, and (per namespace) routes to a Service that does not exist.

An Ingress backend names a Service of its own namespace and one of that Service's ports, by
number (`port`, never `targetPort`) or by name; the ingress controller sends the route's requests
to the ready endpoints behind that port. With no such Service, port or endpoint it has nowhere to
send them and answers itself (ingress-nginx: 503).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

from k9lite.analysis.doctor_findings import Finding, ServiceFacts, capped, kubectl_json_patch
from k9lite.model.ingresses import Ingress, IngressBackend
from k9lite.model.services import Service
from k9lite.model.state import ClusterState

__all__ = ["IngressRoute", "ingress_findings", "ingress_routes", "service_ingress_findings"]


@dataclass(frozen=True, slots=True)
class IngressRoute:
    """One Service backend of an Ingress: the requests it takes and where it sends them."""

    ingress: Ingress
    where: str
    """`host/path` ("*" for any host), or "(default backend)"."""
    service: str
    port: int | str | None
    pointer: str
    """The JSON pointer of the backend in the Ingress, for a json patch."""

    @property
    def line(self) -> str:
        port = "" if self.port is None else f":{self.port}"
        return f"ingress {self.ingress.meta.name} {self.where} -> {self.service}{port}"


def ingress_routes(ingress: Ingress) -> Iterator[IngressRoute]:
    """Every backend of `ingress` that is a Service (not a resource), default backend first."""

    def route(where: str, backend: IngressBackend, pointer: str) -> Iterator[IngressRoute]:
        if backend.service_name:
            yield IngressRoute(ingress, where, backend.service_name, backend.service_port, pointer)

    if ingress.default_backend is not None:
        yield from route("(default backend)", ingress.default_backend, "/spec/defaultBackend")
    for i, rule in enumerate(ingress.rules):
        for j, path in enumerate(rule.paths):
            where = f"{rule.host or '*'}{path.path or '/'}"
            yield from route(where, path.backend, f"/spec/rules/{i}/http/paths/{j}/backend")


def _routes_to(facts: ServiceFacts) -> list[IngressRoute]:
    name = facts.service.meta.name
    return [
        route
        for ingress in facts.state.objects("ingresses", facts.namespace)
        for route in ingress_routes(ingress)
        if route.service == name
    ]


def _has_port(service: Service, port: int | str | None) -> bool:
    # An Ingress names the Service's port, or its name; a port without a name has only its number.
    return port is None or any(port in (p.port, p.name or None) for p in service.ports)


def _ports_text(service: Service) -> str:
    shown = [f"{p.port} ({p.name})" if p.name else str(p.port) for p in service.ports]
    return ", ".join(shown) or "none"


# -- ingress-backend-port, ingress-backend-no-endpoints ------------------------------------------


def service_ingress_findings(facts: ServiceFacts) -> list[Finding]:
    """The Ingress routes to this Service: ports it does not have, and routes to no endpoint."""
    routes = _routes_to(facts)
    service = facts.service
    by_ingress: dict[str, list[IngressRoute]] = {}
    served: list[IngressRoute] = []
    for route in routes:
        if _has_port(service, route.port):
            served.append(route)
        else:
            by_ingress.setdefault(route.ingress.meta.name, []).append(route)
    findings = [_wrong_port(service, wrong) for wrong in by_ingress.values()]
    if served and not facts.ready and _endpoints_known(facts):
        findings.append(_no_endpoints(service, served))
    return findings


def _endpoints_known(facts: ServiceFacts) -> bool:
    """Whether "no ready endpoint" is known: the slices are listed, or the pods they follow."""
    state = facts.state
    return state.loaded("endpointslices") or (bool(facts.selector) and state.loaded("pods"))


def _wrong_port(service: Service, routes: list[IngressRoute]) -> Finding:
    ingress = routes[0].ingress
    name = service.meta.name
    asked = ", ".join(sorted({str(route.port) for route in routes}))
    evidence = [route.line for route in routes]
    evidence.append(f"Service {name}'s ports: {_ports_text(service)}")
    targets = {p.target_port: p.port for p in service.ports}
    mistaken = next((route.port for route in routes if route.port in targets), None)
    if mistaken is not None:
        # The usual slip: the pod's port (targetPort) where the Service's port belongs.
        evidence.append(
            f"{mistaken} is the Service's targetPort; the Ingress must name its port "
            f"{targets[mistaken]}"
        )
    fix = None
    if len(service.ports) == 1:
        number = {"number": service.ports[0].port}
        operations = [
            {"op": "replace", "path": f"{route.pointer}/service/port", "value": number}
            for route in routes
        ]
        fix = kubectl_json_patch(ingress, operations)
    return Finding(
        "ingress-backend-port",
        "error",
        f"Ingress {ingress.meta.name} routes to port {asked} of Service {name}, "
        "which has no such port",
        tuple(evidence),
        "An Ingress backend names one of the Service's ports (its port number or name, never "
        "its targetPort); for any other the ingress controller has nowhere to send requests.",
        fix,
    )


def _no_endpoints(service: Service, routes: list[IngressRoute]) -> Finding:
    count = len(routes)
    routes_send = f"{count} Ingress routes send" if count > 1 else "1 Ingress route sends"
    return Finding(
        "ingress-backend-no-endpoints",
        "warning",
        f"{routes_send} to {service.meta.name}, which has no ready endpoint: the ingress "
        f"controller answers {'them' if count > 1 else 'it'} itself (503)",
        capped([route.line for route in routes]),
        "An ingress controller sends each route's requests to the ready endpoints of its "
        "Service port; with none it answers with an error of its own.",
    )


# -- ingress-backend-missing (per namespace) -----------------------------------------------------


def ingress_findings(state: ClusterState, namespace: str) -> list[tuple[str, Finding]]:
    """(Ingress name, finding) for each Service an Ingress of `namespace` routes to that does
    not exist there. Nothing until both Ingresses and Services are listed."""
    if not (state.loaded("ingresses") and state.loaded("services")):
        return []
    names = sorted(service.meta.name for service in state.objects("services", namespace))
    found: list[tuple[str, Finding]] = []
    for ingress in state.objects("ingresses", namespace):
        missing: dict[str, list[IngressRoute]] = {}
        for route in ingress_routes(ingress):
            if route.service not in names:
                missing.setdefault(route.service, []).append(route)
        found += [
            (ingress.meta.name, _missing(ingress, namespace, service, routes, names))
            for service, routes in missing.items()
        ]
    return found


def _missing(
    ingress: Ingress, namespace: str, service: str, routes: list[IngressRoute], names: list[str]
) -> Finding:
    evidence = [route.line for route in routes]
    if names:
        evidence.append(f"Services in namespace {namespace}: {', '.join(names)}")
    else:
        evidence.append(f"namespace {namespace} has no Service")
    near = difflib.get_close_matches(service, names, n=2, cutoff=0.6)
    fix = None
    if len(near) == 1:
        # One name is close (a typo, a suffix): offer it, the evidence says which.
        evidence.append(f"the one near name: {near[0]}")
        operations = [
            {"op": "replace", "path": f"{route.pointer}/service/name", "value": near[0]}
            for route in routes
        ]
        fix = kubectl_json_patch(ingress, operations)
    return Finding(
        "ingress-backend-missing",
        "error",
        f"Ingress {ingress.meta.name} routes to Service {service}, which does not exist in "
        f"namespace {namespace}",
        tuple(evidence),
        "An Ingress backend names a Service of the Ingress's own namespace; for one that does "
        "not exist the ingress controller has nowhere to send requests.",
        fix,
    )
