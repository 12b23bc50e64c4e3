"""EndpointSlices: the addresses behind a Service, and whether each is ready for traffic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from k9lite.model.fields import (
    each,
    nested,
    optional_boolean,
    optional_integer,
    repeated_string,
    shared_each,
    string,
    strings,
)
from k9lite.model.meta import ObjectMeta, decode_object

__all__ = [
    "SERVICE_NAME_LABEL",
    "Endpoint",
    "EndpointPort",
    "EndpointSlice",
    "EndpointTarget",
    "PortEndpoints",
    "decode_endpoint_slice",
    "port_endpoints",
]

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


@dataclass(frozen=True, slots=True)
class EndpointPort:
    """A port every endpoint of the slice serves; None port means all ports."""

    port: int | None
    name: str = ""
    protocol: str = "TCP"


@dataclass(frozen=True, slots=True)
class EndpointTarget:
    """targetRef: the object behind an endpoint, a Pod for selector-managed slices."""

    kind: str
    name: str
    namespace: str = ""
    uid: str = ""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One backend: its addresses, its conditions and where it runs."""

    addresses: tuple[str, ...]
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    node_name: str = ""
    zone: str = ""
    hostname: str = ""
    target: EndpointTarget | None = None


@dataclass(frozen=True, slots=True)
class EndpointSlice:
    """A discovery.k8s.io/v1 EndpointSlice; `service_name` comes from its service-name label."""

    meta: ObjectMeta
    address_type: str = "IPv4"
    ports: tuple[EndpointPort, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()

    @property
    def service_name(self) -> str | None:
        return self.meta.labels.get(SERVICE_NAME_LABEL)


def _port(raw: Mapping[str, Any]) -> EndpointPort:
    return EndpointPort(
        port=optional_integer(raw, "port"),
        name=repeated_string(raw, "name"),
        protocol=repeated_string(raw, "protocol", "TCP"),
    )


def _target(raw: Mapping[str, Any]) -> EndpointTarget | None:
    if not raw:
        return None
    return EndpointTarget(
        kind=repeated_string(raw, "kind"),
        name=string(raw, "name"),
        namespace=repeated_string(raw, "namespace"),
        uid=string(raw, "uid"),
    )


def _conditions(raw: Mapping[str, Any]) -> tuple[bool, bool, bool]:
    # An unset ready reads as ready, an unset serving as ready, an unset terminating as false.
    ready = optional_boolean(raw, "ready")
    serving = optional_boolean(raw, "serving")
    terminating = optional_boolean(raw, "terminating")
    ready = True if ready is None else ready
    return ready, ready if serving is None else serving, bool(terminating)


def _endpoint(raw: Mapping[str, Any]) -> Endpoint:
    ready, serving, terminating = nested(raw, "conditions", _conditions)
    return Endpoint(
        addresses=strings(raw, "addresses"),
        ready=ready,
        serving=serving,
        terminating=terminating,
        node_name=repeated_string(raw, "nodeName"),
        zone=repeated_string(raw, "zone"),
        hostname=string(raw, "hostname"),
        target=nested(raw, "targetRef", _target),
    )


def _slice(meta: ObjectMeta, raw: Mapping[str, Any]) -> EndpointSlice:
    return EndpointSlice(
        meta,
        address_type=repeated_string(raw, "addressType", "IPv4"),
        ports=shared_each(raw, "ports", _port),
        endpoints=each(raw, "endpoints", _endpoint),
    )


def decode_endpoint_slice(raw: Mapping[str, Any]) -> EndpointSlice:
    """A discovery.k8s.io/v1 EndpointSlice as the API returns it; DecodeError if malformed."""
    return decode_object("EndpointSlice", raw, _slice)


@dataclass(frozen=True, slots=True)
class PortEndpoints:
    """The `ip:port` addresses kube-proxy programs for one Service port, ready or not."""

    ready: tuple[str, ...]
    not_ready: tuple[str, ...]


def port_endpoints(slices: Iterable[EndpointSlice], port_name: str | None) -> PortEndpoints:
    """The endpoints of the Service port named `port_name` (None: a Service with no ports).

    A slice lists a port once its targetPort resolved on its pods. A slice without ports carries
    traffic only for a Service without ports (headless): for any other, its addresses are no
    endpoints (a named targetPort that no pod declares): kube-proxy programs nothing for them
    and `kubectl get endpoints` says <none>.
    """
    ready: list[str] = []
    not_ready: list[str] = []
    for endpoint_slice in slices:
        if port_name is None:
            numbers: list[int | None] = [None]
        else:
            numbers = [
                p.port for p in endpoint_slice.ports if p.name == port_name and p.port is not None
            ]
        for number in numbers:
            for endpoint in endpoint_slice.endpoints:
                if not endpoint.addresses:
                    continue
                address = endpoint.addresses[0]
                if number is not None:
                    address = f"[{address}]:{number}" if ":" in address else f"{address}:{number}"
                (ready if endpoint.ready else not_ready).append(address)
    return PortEndpoints(tuple(ready), tuple(not_ready))
