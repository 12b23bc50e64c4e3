"""Services: the virtual IP, node ports and load balancer in front of the pods a selector picks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from k9lite.model.fields import (
    FieldError,
    each,
    int_or_string,
    integer,
    nested,
    optional_integer,
    optional_string,
    repeated_string,
    shared_each,
    string,
    strings,
)
from k9lite.model.meta import ObjectMeta, decode_object
from k9lite.model.selectors import LabelSelector
from k9lite.model.sharing import shared_map

__all__ = [
    "LoadBalancerIngress",
    "Service",
    "ServicePort",
    "decode_load_balancer",
    "decode_service",
]


@dataclass(frozen=True, slots=True)
class ServicePort:
    """port (on the ClusterIP) -> targetPort (on each pod), and nodePort on every node."""

    port: int
    target_port: int | str  # a number, or the name of a containerPort (`http`)
    protocol: str = "TCP"
    name: str = ""
    node_port: int | None = None
    app_protocol: str = ""
    """What the port speaks (`http`, `kubernetes.io/h2c`, `mysql`...), when the Service says."""


@dataclass(frozen=True, slots=True)
class LoadBalancerIngress:
    """An address a load-balancer controller assigned (status.loadBalancer.ingress[])."""

    ip: str = ""
    hostname: str = ""


@dataclass(frozen=True, slots=True)
class Service:
    """A Service as `kubectl get svc -o wide` and `kubectl describe svc` show it."""

    meta: ObjectMeta
    type: str = "ClusterIP"
    cluster_ip: str = ""  # "None" for a headless Service
    cluster_ips: tuple[str, ...] = ()
    external_ips: tuple[str, ...] = ()
    load_balancer_ingress: tuple[LoadBalancerIngress, ...] = ()
    ports: tuple[ServicePort, ...] = ()
    selector: Mapping[str, str] | None = None  # None: endpoints are managed by hand
    external_traffic_policy: str | None = None  # Cluster or Local, NodePort/LoadBalancer only
    internal_traffic_policy: str | None = None
    external_name: str = ""
    session_affinity: str = "None"
    session_affinity_timeout: int | None = None
    """spec.sessionAffinityConfig.clientIP.timeoutSeconds; None when unset (ClientIP: 10800)."""
    load_balancer_class: str | None = None

    @property
    def label_selector(self) -> LabelSelector | None:
        """The selector as a LabelSelector; None when the Service has none."""
        return LabelSelector.from_service_selector(self.selector)

    @property
    def headless(self) -> bool:
        """`clusterIP: None`: no virtual IP, DNS answers with the pod IPs."""
        return self.cluster_ip == "None"

    @property
    def load_balancer_pending(self) -> bool:
        """A LoadBalancer no controller has given an address yet: EXTERNAL-IP `<pending>`."""
        return self.type == "LoadBalancer" and not self.load_balancer_ingress


def _port(raw: Mapping[str, Any]) -> ServicePort:
    port = integer(raw, "port")
    target = int_or_string(raw, "targetPort")
    return ServicePort(
        port=port,
        # Defaulting sets targetPort to port; 0 or "" never reach a stored Service.
        target_port=port if target is None or target in (0, "") else target,
        protocol=repeated_string(raw, "protocol", "TCP"),
        name=repeated_string(raw, "name"),
        node_port=optional_integer(raw, "nodePort") or None,
        app_protocol=string(raw, "appProtocol"),
    )


def _ingress(raw: Mapping[str, Any]) -> LoadBalancerIngress:
    return LoadBalancerIngress(ip=string(raw, "ip"), hostname=string(raw, "hostname"))


def decode_load_balancer(status: Mapping[str, Any]) -> tuple[LoadBalancerIngress, ...]:
    """status.loadBalancer.ingress of a Service or an Ingress."""
    return nested(status, "loadBalancer", lambda balancer: each(balancer, "ingress", _ingress))


def _selector(spec: Mapping[str, Any]) -> Mapping[str, str] | None:
    raw = spec.get("selector")
    if not raw:
        return None
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise FieldError("selector", "expected a map of strings")
    return shared_map(raw)


def _affinity_timeout(config: Mapping[str, Any]) -> int | None:
    return nested(config, "clientIP", lambda client: optional_integer(client, "timeoutSeconds"))


def _service_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": repeated_string(spec, "type", "ClusterIP"),
        "cluster_ip": string(spec, "clusterIP"),
        "cluster_ips": strings(spec, "clusterIPs"),
        "external_ips": strings(spec, "externalIPs"),
        "ports": shared_each(spec, "ports", _port),
        "selector": _selector(spec),
        "external_traffic_policy": optional_string(spec, "externalTrafficPolicy"),
        "internal_traffic_policy": optional_string(spec, "internalTrafficPolicy"),
        "external_name": string(spec, "externalName"),
        "session_affinity": repeated_string(spec, "sessionAffinity", "None"),
        "session_affinity_timeout": nested(spec, "sessionAffinityConfig", _affinity_timeout),
        "load_balancer_class": optional_string(spec, "loadBalancerClass"),
    }


def _service(meta: ObjectMeta, raw: Mapping[str, Any]) -> Service:
    return Service(
        meta,
        load_balancer_ingress=nested(raw, "status", decode_load_balancer),
        **nested(raw, "spec", _service_spec),
    )


def decode_service(raw: Mapping[str, Any]) -> Service:
    """A v1 Service as the API returns it; DecodeError if malformed."""
    return decode_object("Service", raw, _service)
