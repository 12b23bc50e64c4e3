"""A Pod as `kubectl describe pod` prints it: its node, status, IPs, containers, conditions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from k9lite.model.durations import human_duration
from k9lite.model.pods import (
    Container,
    ContainerRunning,
    ContainerState,
    ContainerStatus,
    ContainerTerminated,
    ContainerWaiting,
    Pod,
)
from k9lite.model.state import ClusterState
from k9lite.render.describe_fields import (
    add_annotations,
    add_controlled_by,
    add_head,
    add_labels,
    describe_time,
    or_none,
)
from k9lite.render.literal import literal

__all__ = ["add_container_basics", "describe_pod"]


def describe_pod(lines: list[str], pod: Pod, state: ClusterState, now: datetime) -> None:
    add_head(lines, pod.meta)
    node = f"{pod.node_name}/{pod.host_ip}" if pod.host_ip else pod.node_name
    lines.append(f"Node:\t{or_none(literal(node))}")
    if pod.start_time is not None:
        lines.append(f"Start Time:\t{describe_time(pod.start_time)}")
    add_labels(lines, "Labels", pod.meta.labels)
    add_annotations(lines, pod.meta.annotations)
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
    add_controlled_by(lines, pod.meta)
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
        add_container_basics(lines, container, "    ")
        status = by_name.get(container.name)
        if status is None:
            continue
        _container_state(lines, "State", status.state)
        if status.last_terminated is not None:
            _container_state(lines, "Last State", status.last_terminated)
        lines.append(f"    Ready:\t{status.ready}")
        lines.append(f"    Restart Count:\t{status.restart_count}")


def add_container_basics(lines: list[str], container: Container, indent: str) -> None:
    """A container's image and ports, as pods and pod templates show them."""
    lines.append(f"{indent}Image:\t{literal(container.image)}")
    ports = literal(", ".join(f"{p.container_port}/{p.protocol}" for p in container.ports))
    lines.append(f"{indent}{'Ports' if len(container.ports) > 1 else 'Port'}:\t{or_none(ports)}")


def _container_state(lines: list[str], title: str, state: ContainerState | None) -> None:
    if isinstance(state, ContainerRunning):
        lines.append(f"    {title}:\tRunning")
        lines.append(f"      Started:\t{describe_time(state.started_at)}")
    elif isinstance(state, ContainerTerminated):
        lines.append(f"    {title}:\tTerminated")
        if state.reason:
            lines.append(f"      Reason:\t{literal(state.reason)}")
        if state.message:
            lines.append(f"      Message:\t{literal(state.message)}")
        lines.append(f"      Exit Code:\t{state.exit_code}")
        if state.signal:
            lines.append(f"      Signal:\t{state.signal}")
        lines.append(f"      Started:\t{describe_time(state.started_at)}")
        lines.append(f"      Finished:\t{describe_time(state.finished_at)}")
    else:
        # kubectl reads a state the kubelet has not reported yet as Waiting.
        lines.append(f"    {title}:\tWaiting")
        if isinstance(state, ContainerWaiting) and state.reason:
            lines.append(f"      Reason:\t{literal(state.reason)}")
