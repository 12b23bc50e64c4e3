"""Endpoints and EndpointSlices: addresses of the right family and well-formed ports."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

from k9lite.demo.validation.checker import Checker
from k9lite.model.names import is_dns1123_label, is_dns1123_subdomain

__all__ = ["endpoint_slice_rules", "endpoints_rules"]


def _endpoint_ports(
    check: Checker, ports: Sequence[Mapping[str, Any]], field: str, *, endpoints: bool
) -> None:
    """Ports of Endpoints subsets (numbered, named when several) or of EndpointSlices."""
    names: set[str] = set()
    for index, port in enumerate(ports):
        at = f"{field}[{index}]"
        name = check.text(port, "name", f"{at}.name")
        if endpoints and len(ports) > 1 and not name:
            check.required(f"{at}.name")
        elif name:
            check.each_invalid(f"{at}.name", name, is_dns1123_label(name))
        if not endpoints:
            if name in names:
                check.duplicate(f"{at}.name", name)
            names.add(name)
        number = check.integer(port, "port", f"{at}.port")
        # An EndpointSlice port may be left out: it then means "all ports".
        if number is not None or endpoints:
            check.port_number(number or 0, f"{at}.port")
        check.protocol(port, f"{at}.protocol")


def endpoints_rules(
    check: Checker, endpoints: Mapping[str, Any], old: Mapping[str, Any] | None
) -> None:
    for index, subset in enumerate(check.objects(endpoints, "subsets", "subsets")):
        at = f"subsets[{index}]"
        if not subset.get("addresses") and not subset.get("notReadyAddresses"):
            check.required(at, "must specify `addresses` or `notReadyAddresses`")
        for kind in ("addresses", "notReadyAddresses"):
            for position, address in enumerate(check.objects(subset, kind, f"{at}.{kind}")):
                ip_field = f"{at}.{kind}[{position}].ip"
                check.ip(check.text(address, "ip", ip_field), ip_field)
        ports = check.objects(subset, "ports", f"{at}.ports")
        if not ports:
            check.required(f"{at}.ports")
        _endpoint_ports(check, ports, f"{at}.ports", endpoints=True)


def endpoint_slice_rules(
    check: Checker, endpoint_slice: Mapping[str, Any], old: Mapping[str, Any] | None
) -> None:
    address_type = check.text(endpoint_slice, "addressType", "addressType")
    check.one_of("addressType", address_type, ("FQDN", "IPv4", "IPv6"))
    for index, endpoint in enumerate(check.objects(endpoint_slice, "endpoints", "endpoints")):
        field = f"endpoints[{index}].addresses"
        addresses = endpoint.get("addresses")
        if not isinstance(addresses, list) or not addresses:
            check.required(field, "must contain at least 1 address")
            continue
        for position, address in enumerate(addresses):
            at = f"{field}[{position}]"
            if address_type in ("IPv4", "IPv6") and check.ip(str(address), at):
                if ipaddress.ip_address(str(address)).version != int(address_type[-1]):
                    check.invalid(at, address, f"must be a valid {address_type} address")
            elif address_type == "FQDN":
                check.each_invalid(at, address, is_dns1123_subdomain(str(address)))
    _endpoint_ports(
        check, check.objects(endpoint_slice, "ports", "ports"), "ports", endpoints=False
    )
