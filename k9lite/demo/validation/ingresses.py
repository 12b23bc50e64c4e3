"""Ingresses: DNS hosts, typed paths and Service backends."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from k9lite.demo.validation.checker import Checker
from k9lite.model.names import is_dns1035_label, is_dns1123_subdomain, is_port_name

__all__ = ["ingress_rules"]


def _ingress_backend(check: Checker, backend: Mapping[str, Any], field: str) -> None:
    service = backend.get("service")
    if not isinstance(service, dict):
        check.invalid(field, "", "resource or service backend is required")
        return
    name = check.text(service, "name", f"{field}.service.name")
    if not name:
        check.required(f"{field}.service.name")
    else:
        check.each_invalid(f"{field}.service.name", name, is_dns1035_label(name))
    port = check.mapping(service, "port", f"{field}.service.port")
    port_name = check.text(port, "name", f"{field}.service.port.name")
    port_number = check.integer(port, "number", f"{field}.service.port.number")
    if port_name and port_number:
        check.invalid(field, "", "cannot set both port name & port number")
    elif port_name:
        check.each_invalid(f"{field}.service.port.name", port_name, is_port_name(port_name))
    elif port_number:
        check.port_number(port_number, f"{field}.service.port.number")
    else:
        check.required(field, "port name or number is required")


def ingress_rules(
    check: Checker, ingress: Mapping[str, Any], old: Mapping[str, Any] | None
) -> None:
    spec = check.mapping(ingress, "spec", "spec")
    rules = check.objects(spec, "rules", "spec.rules")
    default = spec.get("defaultBackend")
    if not rules and default is None:
        check.invalid(
            "spec", spec.get("rules"), "either `defaultBackend` or `rules` must be specified"
        )
    if isinstance(default, dict):
        _ingress_backend(check, default, "spec.defaultBackend")
    for index, rule in enumerate(rules):
        at = f"spec.rules[{index}]"
        host = check.text(rule, "host", f"{at}.host")
        if host:
            _ingress_host(check, host, f"{at}.host")
        http = rule.get("http")
        if not isinstance(http, dict):
            continue
        paths = check.objects(http, "paths", f"{at}.http.paths")
        if not paths:
            check.required(f"{at}.http.paths")
        for position, path in enumerate(paths):
            _ingress_path(check, path, f"{at}.http.paths[{position}]")


def _ingress_host(check: Checker, host: str, field: str) -> None:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        # A wildcard host is "*." followed by a subdomain.
        check.each_invalid(field, host, is_dns1123_subdomain(host.removeprefix("*.")))
    else:
        check.invalid(field, host, "must be a DNS name, not an IP address")


def _ingress_path(check: Checker, path: Mapping[str, Any], field: str) -> None:
    path_type = check.text(path, "pathType", f"{field}.pathType")
    if not path_type:
        check.required(f"{field}.pathType", "pathType must be specified")
        return
    check.one_of(f"{field}.pathType", path_type, ("Exact", "ImplementationSpecific", "Prefix"))
    value = check.text(path, "path", f"{field}.path")
    if path_type in ("Exact", "Prefix") and not value.startswith("/"):
        check.invalid(f"{field}.path", value, "must be an absolute path")
    _ingress_backend(check, check.mapping(path, "backend", f"{field}.backend"), f"{field}.backend")
