"""The cells of every other kind printers.go prints, and of the generic default table."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from k9lite.demo.tables.cells import (
    Obj,
    age_cell,
    format_labels,
    format_selector,
    host_port,
    layout_containers,
    list_with_more,
    load_balancer_addresses,
    lookup,
    name_cell,
    selector_cell,
)
from k9lite.demo.tables.durations import parse_time, since

__all__ = [
    "deployment_cells",
    "endpoint_slice_cells",
    "endpoints_cells",
    "event_cells",
    "generic_cells",
    "ingress_cells",
    "namespace_cells",
    "node_cells",
    "replica_set_cells",
    "service_cells",
]


def _service_external_ip(spec: Obj, status: Obj) -> str:
    """getServiceExternalIP: what reaches the Service from outside, per Service type."""
    service_type = spec.get("type")
    external_ips = list(spec.get("externalIPs") or [])
    if service_type in ("ClusterIP", "NodePort"):
        return ",".join(external_ips) or "<none>"
    if service_type == "LoadBalancer":
        # Without a cloud controller (or MetalLB) nothing fills status.loadBalancer.
        addresses = load_balancer_addresses(status.get("loadBalancer")) + external_ips
        return ",".join(addresses) or "<pending>"
    if service_type == "ExternalName":
        return str(spec.get("externalName", ""))
    return "<unknown>"


def service_cells(service: Obj, now: datetime) -> list[Any]:
    """printService: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S) and the wide SELECTOR."""
    spec, status = service.get("spec") or {}, service.get("status") or {}
    # v1 -> internal conversion: clusterIP wins over clusterIPs[0]; "None" marks headless.
    cluster_ip = spec.get("clusterIP") or (spec.get("clusterIPs") or ["<none>"])[0] or "<none>"
    ports = ",".join(
        # The API defaults a port's protocol to TCP.
        f"{port.get('port')}:{port['nodePort']}/{port.get('protocol', 'TCP')}"
        if port.get("nodePort")
        else f"{port.get('port')}/{port.get('protocol', 'TCP')}"
        for port in spec.get("ports") or []
    )
    return [
        name_cell(service),
        spec.get("type", ""),
        cluster_ip,
        _service_external_ip(spec, status),
        ports or "<none>",
        age_cell(service, now),
        format_labels(spec.get("selector")),
    ]


def deployment_cells(deployment: Obj, now: datetime) -> list[Any]:
    """printDeployment: READY ready/desired, UP-TO-DATE, AVAILABLE, and the wide cells."""
    spec, status = deployment.get("spec") or {}, deployment.get("status") or {}
    selector = format_selector(spec.get("selector"))
    return [
        name_cell(deployment),
        # The API defaults spec.replicas to 1.
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
        int(status.get("updatedReplicas", 0)),
        int(status.get("availableReplicas", 0)),
        age_cell(deployment, now),
        *layout_containers(lookup(spec, "template", "spec")),
        "<invalid>" if selector is None else selector,
    ]


def replica_set_cells(replica_set: Obj, now: datetime) -> list[Any]:
    """printReplicaSet: DESIRED, CURRENT, READY as integers, and the wide cells."""
    spec, status = replica_set.get("spec") or {}, replica_set.get("status") or {}
    return [
        name_cell(replica_set),
        int(spec.get("replicas", 1)),
        int(status.get("replicas", 0)),
        int(status.get("readyReplicas", 0)),
        age_cell(replica_set, now),
        *layout_containers(lookup(spec, "template", "spec")),
        # metav1.FormatLabelSelector, unlike the Deployment's cell, shows `<none>` when empty.
        selector_cell(spec.get("selector")),
    ]


def _node_address(node: Obj, address_type: str) -> str:
    for address in lookup(node, "status", "addresses") or []:
        if address.get("type") == address_type:
            return str(address.get("address", ""))
    return "<none>"


def node_cells(node: Obj, now: datetime) -> list[Any]:
    """printNode: STATUS from the Ready condition, ROLES from role labels, and the wide cells."""
    # printNode keeps the last Ready condition it sees.
    ready = [c for c in lookup(node, "status", "conditions") or [] if c.get("type") == "Ready"]
    states = ["Unknown"]
    if ready:
        states = ["Ready" if ready[-1].get("status") == "True" else "NotReady"]
    if lookup(node, "spec", "unschedulable"):
        states.append("SchedulingDisabled")
    roles: set[str] = set()
    for key, value in (lookup(node, "metadata", "labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key != "node-role.kubernetes.io/":
            roles.add(key.removeprefix("node-role.kubernetes.io/"))
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    info = lookup(node, "status", "nodeInfo") or {}
    return [
        name_cell(node),
        ",".join(states),
        ",".join(sorted(roles)) or "<none>",
        age_cell(node, now),
        info.get("kubeletVersion", ""),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


def namespace_cells(namespace: Obj, now: datetime) -> list[Any]:
    return [
        name_cell(namespace),
        lookup(namespace, "status", "phase") or "",
        age_cell(namespace, now),
    ]


def endpoints_cells(endpoints: Obj, now: datetime) -> list[Any]:
    """printEndpoints: every address:port pair, at most three shown."""
    subsets = endpoints.get("subsets") or []
    pairs: list[str] = []
    for subset in subsets:
        ips = [str(address.get("ip", "")) for address in subset.get("addresses") or []]
        # A headless Service may have no ports: its endpoints are bare IPs.
        ports = [port.get("port") for port in subset.get("ports") or []]
        pairs += [host_port(ip, port) for port in ports for ip in ips] if ports else ips
    return [
        name_cell(endpoints),
        list_with_more(pairs, "") if subsets else "<none>",
        age_cell(endpoints, now),
    ]


def endpoint_slice_cells(endpoint_slice: Obj, now: datetime) -> list[Any]:
    """printEndpointSlice: ports (number, else name, else `*`) and endpoint addresses."""
    ports = [
        str(port["port"]) if port.get("port") is not None else port.get("name") or "*"
        for port in endpoint_slice.get("ports") or []
    ]
    addresses = [
        str(address)
        for endpoint in endpoint_slice.get("endpoints") or []
        for address in endpoint.get("addresses") or []
    ]
    return [
        name_cell(endpoint_slice),
        endpoint_slice.get("addressType", ""),
        list_with_more(ports, "<unset>"),
        list_with_more(addresses, "<unset>"),
        age_cell(endpoint_slice, now),
    ]


def _ingress_hosts(rules: list[Obj]) -> str:
    """formatHosts: the first three rule hosts; `+ N more...` once a rule follows the third."""
    hosts: list[str] = []
    more = False
    for rule in rules:
        more = more or len(hosts) == 3
        if not more and rule.get("host"):
            hosts.append(str(rule["host"]))
    if not hosts:
        return "*"
    # printers.go counts every rule past the third, hostless ones included.
    return f"{','.join(hosts)} + {len(rules) - 3} more..." if more else ",".join(hosts)


def ingress_cells(ingress: Obj, now: datetime) -> list[Any]:
    """printIngress: CLASS, HOSTS, ADDRESS of the load balancer, PORTS 80 (and 443 with TLS)."""
    spec = ingress.get("spec") or {}
    return [
        name_cell(ingress),
        spec.get("ingressClassName") or "<none>",
        _ingress_hosts(spec.get("rules") or []),
        ",".join(load_balancer_addresses(lookup(ingress, "status", "loadBalancer"))),
        "80, 443" if spec.get("tls") else "80",
        age_cell(ingress, now),
    ]


def event_cells(event: Obj, now: datetime) -> list[Any]:
    """printEvent: ages of the last and first occurrence, the involved object, and the count."""
    first_seen = since(event.get("firstTimestamp"), "firstTimestamp", now)
    if not event.get("firstTimestamp"):
        first_seen = since(event.get("eventTime"), "eventTime", now)
    last_seen = since(event.get("lastTimestamp"), "lastTimestamp", now)
    if not event.get("lastTimestamp"):
        last_seen = first_seen
    count = int(event.get("count", 0))
    series = event.get("series")
    if series is not None:
        last_seen = since(series.get("lastObservedTime"), "series.lastObservedTime", now)
        count = int(series.get("count", 0))
    elif count == 0:
        # Events of the events.k8s.io API that happened once carry no count.
        count = 1
    involved = event.get("involvedObject") or {}
    kind = str(involved.get("kind", "")).lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    component = lookup(event, "source", "component") or event.get("reportingController") or ""
    host = lookup(event, "source", "host") or event.get("reportingInstance") or ""
    return [
        last_seen,
        event.get("type", ""),
        event.get("reason", ""),
        target,
        involved.get("fieldPath", ""),
        f"{component}, {host}" if host else component,
        str(event.get("message", "")).strip(),
        first_seen,
        count,
        name_cell(event),
    ]


def generic_cells(obj: Obj, now: datetime) -> list[Any]:
    """The default table convertor: name and creationTimestamp as RFC 3339 in UTC."""
    created = parse_time(lookup(obj, "metadata", "creationTimestamp"), "metadata.creationTimestamp")
    moment = created.astimezone(timezone.utc) if created else datetime(1, 1, 1, tzinfo=timezone.utc)
    return [name_cell(obj), moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")]
