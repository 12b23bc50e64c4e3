"""ValidateService and ValidateServiceUpdate: ports, ClusterIPs, types and traffic policies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from k9lite.demo.validation.checker import Checker
from k9lite.model.names import is_dns1123_label, is_dns1123_subdomain

__all__ = ["service_rules"]

_NODE_PORT_RANGE = (30000, 32767)


def _cluster_ips(spec: Mapping[str, Any]) -> list[str]:
    """spec.clusterIPs as the strategy syncs it from spec.clusterIP."""
    ips = spec.get("clusterIPs")
    if isinstance(ips, list) and ips:
        return [str(ip) for ip in ips]
    cluster_ip = spec.get("clusterIP")
    return [str(cluster_ip)] if cluster_ip else []


def service_rules(
    check: Checker, service: Mapping[str, Any], old: Mapping[str, Any] | None
) -> None:
    """ValidateService and ValidateServiceUpdate, plus the NodePort range the allocator checks."""
    spec = check.mapping(service, "spec", "spec")
    service_type = check.text(spec, "type", "spec.type")
    cluster_ips = _cluster_ips(spec)
    headless = cluster_ips == ["None"]
    if old is not None:
        _service_update(check, spec, check.mapping(old, "spec", "spec"))
    ports = check.objects(spec, "ports", "spec.ports")
    if not ports and not headless and service_type != "ExternalName":
        check.required("spec.ports")
    if service_type in ("LoadBalancer", "NodePort") and headless:
        check.invalid(
            "spec.clusterIPs[0]", "None", f"may not be set to 'None' for {service_type} services"
        )
    elif service_type == "ExternalName":
        for family_field in ("clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            present = cluster_ips if family_field == "clusterIPs" else spec.get(family_field)
            if present:
                check.forbidden(f"spec.{family_field}", "may not be set for ExternalName services")
        # The CNAME may end with a dot, marking it fully qualified.
        cname = check.text(spec, "externalName", "spec.externalName").removesuffix(".")
        if cname:
            check.each_invalid("spec.externalName", cname, is_dns1123_subdomain(cname))
        else:
            check.required("spec.externalName")
    port_names: set[str] = set()
    for index, port in enumerate(ports):
        _service_port(check, port, f"spec.ports[{index}]", len(ports) > 1, port_names)
    selector = check.string_map(spec, "selector", "spec.selector")
    check.labels(selector, "spec.selector")
    check.one_of(
        "spec.sessionAffinity",
        check.text(spec, "sessionAffinity", "spec.sessionAffinity"),
        ("ClientIP", "None"),
    )
    if service_type != "ExternalName":
        given = spec.get("clusterIPs")
        if (
            isinstance(given, list)
            and given
            and spec.get("clusterIP")
            and given[0] != spec["clusterIP"]
        ):
            check.invalid("spec.clusterIPs", given, "first value must match `clusterIP`")
        for index, cluster_ip in enumerate(cluster_ips):
            if not (index == 0 and cluster_ip == "None"):
                check.ip(cluster_ip, f"spec.clusterIPs[{index}]")
    check.one_of(
        "spec.type", service_type, ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
    )
    _node_ports(check, ports, service_type)
    seen: set[tuple[Any, Any]] = set()
    for index, port in enumerate(ports):
        key = (port.get("protocol"), port.get("port"))
        if key in seen:
            check.duplicate(f"spec.ports[{index}]", {"port": key[1], "protocol": key[0]})
        seen.add(key)
    if spec.get("allocateLoadBalancerNodePorts") is not None and service_type != "LoadBalancer":
        check.forbidden(
            "spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"
        )
    if service_type == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        # Sic: kube-apiserver names this field without its `spec.` prefix.
        check.required("allocateLoadBalancerNodePorts")
    _traffic_policies(check, spec, service_type)


def _service_update(check: Checker, spec: Mapping[str, Any], old_spec: Mapping[str, Any]) -> None:
    """validateUpgradeDowngradeClusterIPs, single-stack: the primary ClusterIP never changes."""
    if "ExternalName" in (spec.get("type"), old_spec.get("type")):
        return
    new_ips, old_ips = _cluster_ips(spec), _cluster_ips(old_spec)
    # An update that leaves clusterIP out keeps the allocated one, as the registry fills it in.
    if old_ips and new_ips and new_ips[0] != old_ips[0] and not new_ips == old_ips == ["None"]:
        check.invalid("spec.clusterIPs[0]", new_ips, "may not change once set")


def _service_port(
    check: Checker, port: Mapping[str, Any], field: str, name_required: bool, names: set[str]
) -> None:
    name = check.text(port, "name", f"{field}.name")
    if name_required and not name:
        check.required(f"{field}.name")
    elif name:
        check.each_invalid(f"{field}.name", name, is_dns1123_label(name))
        if name in names:
            check.duplicate(f"{field}.name", name)
        names.add(name)
    number = check.integer(port, "port", f"{field}.port")
    check.port_number(number or 0, f"{field}.port")
    check.protocol(port, f"{field}.protocol")
    check.port_number_or_name(port, "targetPort", f"{field}.targetPort")


def _node_ports(check: Checker, ports: Sequence[Mapping[str, Any]], service_type: str) -> None:
    seen: set[tuple[Any, int]] = set()
    low, high = _NODE_PORT_RANGE
    for index, port in enumerate(ports):
        field = f"spec.ports[{index}].nodePort"
        node_port = check.integer(port, "nodePort", field)
        if not node_port:
            continue
        if service_type not in ("NodePort", "LoadBalancer"):
            check.forbidden(field, f"may not be used when `type` is '{service_type}'")
            continue
        if (port.get("protocol"), node_port) in seen:
            check.duplicate(field, node_port)
        seen.add((port.get("protocol"), node_port))
        if not low <= node_port <= high:
            # The NodePort allocator's error, reported by the real server as a 422 as well.
            check.invalid(
                field,
                node_port,
                "provided port is not in the valid range. "
                f"The range of valid ports is {low}-{high}",
            )


def _traffic_policies(check: Checker, spec: Mapping[str, Any], service_type: str) -> None:
    external = check.text(spec, "externalTrafficPolicy", "spec.externalTrafficPolicy")
    externally_accessible = service_type in ("NodePort", "LoadBalancer") or (
        service_type == "ClusterIP" and bool(spec.get("externalIPs"))
    )
    if not externally_accessible:
        if external:
            check.invalid(
                "spec.externalTrafficPolicy",
                external,
                "may only be set for externally-accessible services",
            )
    else:
        check.one_of("spec.externalTrafficPolicy", external, ("Cluster", "Local"))
    internal = check.text(spec, "internalTrafficPolicy", "spec.internalTrafficPolicy")
    if internal or service_type in ("ClusterIP", "NodePort", "LoadBalancer"):
        check.one_of("spec.internalTrafficPolicy", internal, ("Cluster", "Local"))
