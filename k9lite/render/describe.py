"""Objects as `kubectl describe` prints them: `Key:  value` lines aligned as its tabwriter does.

Each describer writes tab-separated lines in kubectl's order and wording; `_align` then pads them
the way Go's text/tabwriter does (padding 2), so a value starts where kubectl would put it. Fields
k9lite does not watch (events, volumes, resources) are left out; each Service and Deployment gains
a short table of its pods. `now` is passed in so the text is stable in tests.

Text from the cluster is shown literally (`render.literal`): free text that may hold a tab or a
newline (labels, annotations, names, images, reasons, messages) is escaped as one line before
it is laid out, so it can neither shift a column nor fake a line; the whole text is then
escaped once more, multi-line, so no control character of any other field reaches a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from k9lite.model.cluster import Namespace, Node
from k9lite.model.durations import human_duration
from k9lite.model.endpoints import EndpointSlice, port_endpoints
from k9lite.model.kinds import KubeObject
from k9lite.model.meta import Condition, ObjectMeta
from k9lite.model.pods import (
    Container,
    ContainerRunning,
    ContainerState,
    ContainerStatus,
    ContainerTerminated,
    ContainerWaiting,
    Pod,
)
from k9lite.model.services import Service, ServicePort
from k9lite.model.state import ClusterState
from k9lite.model.workloads import Deployment, ReplicaSet
from k9lite.render.literal import literal

__all__ = ["describe"]

_ENDPOINTS_SHOWN = 3  # kubectl's formatEndpointSlices: the first 3, then "+ N more..."
_ANNOTATION_WIDTH = 140  # kubectl cuts longer `key: value` annotation lines
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_TEMPLATE_HASH = "pod-template-hash"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def describe(kind: str, obj: KubeObject, state: ClusterState, *, now: datetime) -> str:
    """The `kubectl describe` text of an object of `kind` ("services", "pods"...)."""
    lines: list[str] = []
    describer = _DESCRIBERS.get(kind)
    if describer is None:
        _describe_meta(lines, obj)
    else:
        expected, write = describer
        if not isinstance(obj, expected):
            raise TypeError(f"describe({kind!r}) needs a {expected.__name__}, got {obj!r}")
        write(lines, obj, state, now)
    return literal(_align(lines), multiline=True)


# -- alignment -------------------------------------------------------------------------------------


def _align(lines: list[str], padding: int = 2) -> str:
    """Pad tab-separated cells as Go's text/tabwriter does: a column is aligned over each run of
    consecutive lines that have a cell in it; a line's last cell is never padded."""
    rows = [line.split("\t") for line in lines]
    out: list[str] = []
    widths: list[int] = []

    def write(start: int, stop: int) -> None:
        for row in rows[start:stop]:
            cells = [
                cell.ljust(widths[j]) if j < len(widths) and j < len(row) - 1 else cell
                for j, cell in enumerate(row)
            ]
            out.append("".join(cells).rstrip())

    def format_block(start: int, stop: int) -> None:
        column = len(widths)
        line = start
        while line < stop:
            if column >= len(rows[line]) - 1:
                line += 1
                continue
            write(start, line)
            start = line
            width = 0
            while line < stop and column < len(rows[line]) - 1:
                width = max(width, len(rows[line][column]) + padding)
                line += 1
            widths.append(width)
            format_block(start, line)
            widths.pop()
            start = line
        write(start, stop)

    format_block(0, len(rows))
    return "\n".join(out) + "\n"


# -- shared pieces ---------------------------------------------------------------------------------


def _time(moment: datetime | None) -> str:
    """RFC 1123 with a numeric zone, as kubectl prints times: `Mon, 23 Nov 2026 00:06:48 +0000`."""
    if moment is None:
        return "<unknown>"
    day, month = _DAYS[moment.weekday()], _MONTHS[moment.month - 1]
    return f"{day}, {moment:%d} {month} {moment:%Y %H:%M:%S %z}".rstrip()


def _none(text: str) -> str:
    return text or "<none>"


def _labels(lines: list[str], title: str, labels: Mapping[str, str], indent: str = "") -> None:
    """kubectl's printLabelsMultiline: one sorted `key=value` per line, `<none>` when empty."""
    pairs = [literal(f"{key}={labels[key]}") for key in sorted(labels)] or ["<none>"]
    lines.append(f"{indent}{title}:\t{pairs[0]}")
    lines.extend(f"{indent}\t{pair}" for pair in pairs[1:])


def _annotations(lines: list[str], annotations: Mapping[str, str]) -> None:
    """`key: value` per line; kubectl hides last-applied-configuration and cuts long lines."""
    keys = [key for key in sorted(annotations) if key != _LAST_APPLIED]
    shown = [literal(_cut(f"{key}: {annotations[key]}")) for key in keys] or ["<none>"]
    lines.append(f"Annotations:\t{shown[0]}")
    lines.extend(f"\t{text}" for text in shown[1:])


def _cut(text: str) -> str:
    return text[:_ANNOTATION_WIDTH] + "..." if len(text) > _ANNOTATION_WIDTH else text


def _head(lines: list[str], meta: ObjectMeta, *, namespaced: bool = True) -> None:
    lines.append(f"Name:\t{literal(meta.name)}")
    if namespaced:
        lines.append(f"Namespace:\t{literal(meta.namespace)}")


def _controlled_by(lines: list[str], meta: ObjectMeta) -> None:
    owner = meta.controller
    if owner is not None:
        lines.append(f"Controlled By:\t{literal(f'{owner.kind}/{owner.name}')}")


def _pod_table(lines: list[str], title: str, pods: list[Pod]) -> None:
    """k9lite's addition to Services and Deployments: which pods, how ready, where."""
    if not pods:
        lines.append(f"{title}:\t<none>")
        return
    lines += [f"{title}:", "  Name\tReady\tStatus\tIP\tNode", "  ----\t-----\t------\t--\t----"]
    for pod in pods:
        cells = (pod.meta.name, pod.ready_text, pod.status, _none(pod.pod_ip), _none(pod.node_name))
        lines.append("  " + "\t".join(map(literal, cells)))


# -- Services --------------------------------------------------------------------------------------


def _service(lines: list[str], svc: Service, state: ClusterState, now: datetime) -> None:
    _head(lines, svc.meta)
    _labels(lines, "Labels", svc.meta.labels)
    _annotations(lines, svc.meta.annotations)
    selector = ",".join(f"{key}={value}" for key, value in sorted((svc.selector or {}).items()))
    lines.append(f"Selector:\t{_none(literal(selector))}")
    lines.append(f"Type:\t{literal(svc.type)}")
    lines.append(f"IP:\t{_none(literal(svc.cluster_ip))}")
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
    _pod_table(lines, "Pods", state.pods_selected_by(svc))


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


# -- Pods ------------------------------------------------------------------------------------------


def _pod(lines: list[str], pod: Pod, state: ClusterState, now: datetime) -> None:
    _head(lines, pod.meta)
    node = f"{pod.node_name}/{pod.host_ip}" if pod.host_ip else pod.node_name
    lines.append(f"Node:\t{_none(literal(node))}")
    if pod.start_time is not None:
        lines.append(f"Start Time:\t{_time(pod.start_time)}")
    _labels(lines, "Labels", pod.meta.labels)
    _annotations(lines, pod.meta.annotations)
    deleted = pod.meta.deletion_timestamp
    if deleted is not None:
        lines.append(f"Status:\tTerminating (lasts {human_duration(now - deleted)})")
    else:
        lines.append(f"Status:\t{literal(pod.phase)}")
    if pod.reason:
        lines.append(f"Reason:\t{literal(pod.reason)}")
    if pod.message:
        lines.append(f"Message:\t{literal(pod.message)}")
    lines.append(f"IP:\t{literal(pod.pod_ip)}")
    if pod.pod_ips:
        lines.append("IPs:")
        lines.extend(f"  IP:\t{literal(ip)}" for ip in pod.pod_ips)
    else:
        lines.append("IPs:\t<none>")
    _controlled_by(lines, pod.meta)
    if pod.init_containers:
        _containers(lines, "Init Containers", pod.init_containers, pod.init_container_statuses)
    _containers(lines, "Containers", pod.containers, pod.container_statuses)
    if pod.conditions:
        lines += ["Conditions:", "  Type\tStatus"]
        lines.extend(f"  {literal(c.type)} \t{literal(c.status)} " for c in pod.conditions)


def _containers(
    lines: list[str],
    title: str,
    containers: Iterable[Container],
    statuses: Iterable[ContainerStatus],
) -> None:
    by_name = {status.name: status for status in statuses}
    lines.append(f"{title}:")
    for container in containers:
        lines.append(f"  {literal(container.name)}:")
        _container_basics(lines, container, "    ")
        status = by_name.get(container.name)
        if status is None:
            continue
        _container_state(lines, "State", status.state)
        if status.last_terminated is not None:
            _container_state(lines, "Last State", status.last_terminated)
        lines.append(f"    Ready:\t{status.ready}")
        lines.append(f"    Restart Count:\t{status.restart_count}")


def _container_basics(lines: list[str], container: Container, indent: str) -> None:
    lines.append(f"{indent}Image:\t{literal(container.image)}")
    ports = literal(", ".join(f"{p.container_port}/{p.protocol}" for p in container.ports))
    lines.append(f"{indent}{'Ports' if len(container.ports) > 1 else 'Port'}:\t{_none(ports)}")


def _container_state(lines: list[str], title: str, state: ContainerState | None) -> None:
    if isinstance(state, ContainerRunning):
        lines.append(f"    {title}:\tRunning")
        lines.append(f"      Started:\t{_time(state.started_at)}")
    elif isinstance(state, ContainerTerminated):
        lines.append(f"    {title}:\tTerminated")
        if state.reason:
            lines.append(f"      Reason:\t{literal(state.reason)}")
        if state.message:
            lines.append(f"      Message:\t{literal(state.message)}")
        lines.append(f"      Exit Code:\t{state.exit_code}")
        if state.signal:
            lines.append(f"      Signal:\t{state.signal}")
        lines.append(f"      Started:\t{_time(state.started_at)}")
        lines.append(f"      Finished:\t{_time(state.finished_at)}")
    else:
        # kubectl reads a state the kubelet has not reported yet as Waiting.
        lines.append(f"    {title}:\tWaiting")
        if isinstance(state, ContainerWaiting) and state.reason:
            lines.append(f"      Reason:\t{literal(state.reason)}")


# -- Deployments -----------------------------------------------------------------------------------


def _deployment(lines: list[str], d: Deployment, state: ClusterState, now: datetime) -> None:
    _head(lines, d.meta)
    lines.append(f"CreationTimestamp:\t{_time(d.meta.creation_timestamp)}")
    _labels(lines, "Labels", d.meta.labels)
    _annotations(lines, d.meta.annotations)
    lines.append(f"Selector:\t{_none(literal(str(d.selector)))}")
    unavailable = max(d.replicas - d.available_replicas, 0)
    lines.append(
        f"Replicas:\t{d.replicas} desired | {d.updated_replicas} updated | "
        f"{d.status_replicas} total | {d.available_replicas} available | "
        f"{unavailable} unavailable"
    )
    lines.append(f"StrategyType:\t{literal(d.strategy_type)}")
    lines.append("Pod Template:")
    _labels(lines, "Labels", d.template.labels, indent="  ")
    lines.append("  Containers:")
    for container in d.template.containers:
        lines.append(f"   {literal(container.name)}:")
        _container_basics(lines, container, "    ")
    if d.conditions:
        lines += ["Conditions:", "  Type\tStatus\tReason", "  ----\t------\t------"]
        lines.extend(
            f"  {literal(c.type)} \t{literal(c.status)}\t{literal(c.reason)}" for c in d.conditions
        )
    new, old = _replica_sets(d, state.replica_sets_of(d.meta.uid))
    lines.append(f"OldReplicaSets:\t{_none(', '.join(_rs_text(rs) for rs in old))}")
    lines.append(f"NewReplicaSet:\t{'<none>' if new is None else _rs_text(new)}")
    _pod_table(lines, "Pods", state.pods_of(d.meta.uid))


def _replica_sets(
    d: Deployment, owned: list[ReplicaSet]
) -> tuple[ReplicaSet | None, list[ReplicaSet]]:
    """(new, old): the new one's template equals the Deployment's, but for pod-template-hash;
    kubectl lists only old ones still asked for pods."""
    new = next((rs for rs in owned if _same_template(rs, d)), None)
    return new, [rs for rs in owned if rs is not new and rs.replicas != 0]


def _same_template(rs: ReplicaSet, d: Deployment) -> bool:
    labels = {k: v for k, v in rs.template.labels.items() if k != _TEMPLATE_HASH}
    return labels == dict(d.template.labels) and rs.template.containers == d.template.containers


def _rs_text(rs: ReplicaSet) -> str:
    return f"{literal(rs.meta.name)} ({rs.status_replicas}/{rs.replicas} replicas created)"


# -- Nodes and Namespaces --------------------------------------------------------------------------


def _node(lines: list[str], node: Node, state: ClusterState, now: datetime) -> None:
    _head(lines, node.meta, namespaced=False)
    lines.append(f"Roles:\t{_none(literal(','.join(node.roles)))}")
    _labels(lines, "Labels", node.meta.labels)
    _annotations(lines, node.meta.annotations)
    lines.append(f"CreationTimestamp:\t{_time(node.meta.creation_timestamp)}")
    lines.append(f"Unschedulable:\t{str(node.unschedulable).lower()}")
    _node_conditions(lines, node.conditions)
    lines.append("Addresses:")
    lines.extend(f"  {literal(a.type)}:\t{literal(a.address)}" for a in node.addresses)
    if node.kubelet_version:
        lines += ["System Info:", f"  Kubelet Version:\t{literal(node.kubelet_version)}"]
    if node.pod_cidr:
        lines.append(f"PodCIDR:\t{literal(node.pod_cidr)}")
    if node.pod_cidrs:
        lines.append(f"PodCIDRs:\t{literal(','.join(node.pod_cidrs))}")
    # Succeeded and Failed pods hold no resources on the node: kubectl leaves them out.
    pods = [p for p in state.pods_on_node(node.meta.name) if p.phase not in ("Succeeded", "Failed")]
    lines.append(f"Non-terminated Pods:\t({len(pods)} in total)")
    lines += ["  Namespace\tName\tAge", "  ---------\t----\t---"]
    for pod in pods:
        created = pod.meta.creation_timestamp
        age = "<unknown>" if created is None else human_duration(now - created)
        lines.append(f"  {literal(pod.meta.namespace)}\t{literal(pod.meta.name)}\t{age}")


def _node_conditions(lines: list[str], conditions: Iterable[Condition]) -> None:
    lines += [
        "Conditions:",
        "  Type\tStatus\tLastTransitionTime\tReason\tMessage",
        "  ----\t------\t------------------\t------\t-------",
    ]
    for c in conditions:
        cells = (c.type, c.status, _time(c.last_transition_time), c.reason)
        lines.append("  " + "".join(f"{literal(cell)} \t" for cell in cells) + literal(c.message))


def _namespace(lines: list[str], ns: Namespace, state: ClusterState, now: datetime) -> None:
    _head(lines, ns.meta, namespaced=False)
    _labels(lines, "Labels", ns.meta.labels)
    _annotations(lines, ns.meta.annotations)
    lines.append(f"Status:\t{literal(ns.phase)}")


def _describe_meta(lines: list[str], obj: KubeObject) -> None:
    """Any other kind: what its metadata says."""
    meta = obj.meta
    _head(lines, meta, namespaced=bool(meta.namespace))
    lines.append(f"CreationTimestamp:\t{_time(meta.creation_timestamp)}")
    _labels(lines, "Labels", meta.labels)
    _annotations(lines, meta.annotations)
    _controlled_by(lines, meta)


_DESCRIBERS: dict[str, tuple[type, Callable[[list[str], Any, ClusterState, datetime], None]]] = {
    "services": (Service, _service),
    "pods": (Pod, _pod),
    "deployments": (Deployment, _deployment),
    "nodes": (Node, _node),
    "namespaces": (Namespace, _namespace),
}
