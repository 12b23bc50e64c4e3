"""Ingresses: HTTP routes by host and path to Services, behind an ingress controller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from k9lite.model.fields import (
    each,
    nested,
    optional_integer,
    optional_string,
    string,
)
from k9lite.model.meta import ObjectMeta, decode_object
from k9lite.model.services import LoadBalancerIngress, decode_load_balancer

__all__ = [
    "Ingress",
    "IngressBackend",
    "IngressPath",
    "IngressRule",
    "decode_ingress",
]

# Set before ingressClassName existed, and still honoured by most controllers.
_CLASS_ANNOTATION = "kubernetes.io/ingress.class"


@dataclass(frozen=True, slots=True)
class IngressBackend:
    """Where matching requests go: a Service port (by number or name), or another resource."""

    service_name: str | None  # None for a resource backend
    service_port: int | str | None = None


@dataclass(frozen=True, slots=True)
class IngressPath:
    path: str
    path_type: str
    backend: IngressBackend


@dataclass(frozen=True, slots=True)
class IngressRule:
    """Requests for `host` ("" = any host) routed by path."""

    host: str
    paths: tuple[IngressPath, ...] = ()


@dataclass(frozen=True, slots=True)
class Ingress:
    """A networking.k8s.io/v1 Ingress."""

    meta: ObjectMeta
    ingress_class: str | None = None
    default_backend: IngressBackend | None = None
    rules: tuple[IngressRule, ...] = ()
    load_balancer_ingress: tuple[LoadBalancerIngress, ...] = ()


def _service_port(port: Mapping[str, Any]) -> int | str | None:
    return optional_integer(port, "number") or optional_string(port, "name")


def _service_backend(service: Mapping[str, Any]) -> IngressBackend:
    return IngressBackend(
        service_name=string(service, "name"),
        service_port=nested(service, "port", _service_port),
    )


def _backend(raw: Mapping[str, Any]) -> IngressBackend:
    if raw.get("service") is not None:
        return nested(raw, "service", _service_backend)
    return IngressBackend(service_name=None)


def _path(raw: Mapping[str, Any]) -> IngressPath:
    return IngressPath(
        path=string(raw, "path"),
        path_type=string(raw, "pathType"),
        backend=nested(raw, "backend", _backend),
    )


def _rule(raw: Mapping[str, Any]) -> IngressRule:
    return IngressRule(
        host=string(raw, "host"),
        paths=nested(raw, "http", lambda http: each(http, "paths", _path)),
    )


def _ingress_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    default = None
    if spec.get("defaultBackend") is not None:
        default = nested(spec, "defaultBackend", _backend)
    return {
        "ingress_class": optional_string(spec, "ingressClassName"),
        "default_backend": default,
        "rules": each(spec, "rules", _rule),
    }


def _ingress(meta: ObjectMeta, raw: Mapping[str, Any]) -> Ingress:
    spec = nested(raw, "spec", _ingress_spec)
    if spec["ingress_class"] is None:
        spec["ingress_class"] = meta.annotations.get(_CLASS_ANNOTATION)
    return Ingress(meta, load_balancer_ingress=nested(raw, "status", decode_load_balancer), **spec)


def decode_ingress(raw: Mapping[str, Any]) -> Ingress:
    """A networking.k8s.io/v1 Ingress as the API returns it; DecodeError if malformed."""
    return decode_object("Ingress", raw, _ingress)
