"""A Service as `kubectl describe service` prints it, with a table of the pods it selects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from k9lite.model.endpoints import EndpointSlice, port_endpoints
from k9lite.model.services import Service, ServicePort
from k9lite.model.state import ClusterState
from k9lite.render.describe_fields import (
    add_annotations,
    add_head,
    add_labels,
    add_pod_table,
    or_none,
)
from k9lite.render.literal import literal

__all__ = ["describe_service"]

_ENDPOINTS_SHOWN = 3  # kubectl's formatEndpointSlices: the first 3, then "+ N more..."


def describe_service(lines: list[str], svc: Service, state: ClusterState, now: datetime) -> None:
    add_head(lines, svc.meta)
    add_labels(lines, "Labels", svc.meta.labels)
    add_annotations(lines, svc.meta.annotations)
    selector = ",".join(f"{key}={value}" for key, value in sorted((svc.selector or {}).items()))
    lines.append(f"Selector:\t{or_none(literal(selector))}")
    lines.append(f"Type:\t{literal(svc.type)}")
    lines.append(f"IP:\t{or_none(literal(svc.cluster_ip))}")
    if svc.cluster_ips:
        lines.append(f"IPs:\t{literal(','.join(svc.cluster_ips))}")
    if svc.external_ips:
        lines.append(f"External IPs:\t{literal(','.join(svc.external_ips))}")
    if svc.external_name:
        lines.append(f"External Name:\t{literal(svc.external_name)}")
    if svc.load_balancer_ingress:
        found = ", ".join(i.ip or i.hostname for i in svc.load_balancer_ingress)
        lines.append(f"LoadBalancer Ingress:\t{literal(found)}")
    elif svc.load_balancer_pending:
        lines.append("LoadBalancer Ingress:\t<pending>")
    slices = None if state.unknown("endpointslices") else state.endpoint_slices_of(svc)
    for port in svc.ports:
        _service_port(lines, port, slices)
    lines.append(f"Session Affinity:\t{literal(svc.session_affinity)}")
    if svc.external_traffic_policy:
        lines.append(f"External Traffic Policy:\t{literal(svc.external_traffic_policy)}")
    if svc.internal_traffic_policy:
        lines.append(f"Internal Traffic Policy:\t{literal(svc.internal_traffic_policy)}")
    add_pod_table(lines, "Pods", state.pods_selected_by(svc))


def _service_port(lines: list[str], port: ServicePort, slices: list[EndpointSlice] | None) -> None:
    """kubectl's lines for one port; `slices` None: the user may not list EndpointSlices."""
    name, protocol = literal(port.name or "<unset>"), literal(port.protocol)
    lines.append(f"Port:\t{name}\t{port.port}/{protocol}")
    lines.append(f"TargetPort:\t{literal(str(port.target_port))}/{protocol}")
    if port.node_port:
        lines.append(f"NodePort:\t{name}\t{port.node_port}/{protocol}")
    if slices is None:
        lines.append("Endpoints:\t<unknown: may not list endpointslices>")
        return
    found = port_endpoints(slices, port.name)
    lines.append(f"Endpoints:\t{_endpoint_list(found.ready)}")
    if found.not_ready:
        lines.append(f"Not ready:\t{_endpoint_list(found.not_ready)}")


def _endpoint_list(addresses: Sequence[str]) -> str:
    text = literal(",".join(addresses[:_ENDPOINTS_SHOWN])) or "<none>"
    if len(addresses) > _ENDPOINTS_SHOWN:
        text += f" + {len(addresses) - _ENDPOINTS_SHOWN} more..."
    return text
