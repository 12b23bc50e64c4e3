"""Pods and their containers, with kubectl's READY, STATUS and RESTARTS worked out as it does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from k9lite.model.fields import (
    boolean,
    each,
    integer,
    nested,
    optional_boolean,
    optional_integer,
    repeated_string,
    shared_nested,
    string,
    timestamp,
)
from k9lite.model.meta import Condition, ObjectMeta, decode_conditions, decode_object
from k9lite.model.sharing import shared

__all__ = [
    "Container",
    "ContainerPort",
    "ContainerRunning",
    "ContainerState",
    "ContainerStatus",
    "ContainerTerminated",
    "ContainerWaiting",
    "Pod",
    "PodColumns",
    "decode_container",
    "decode_pod",
]


@dataclass(frozen=True, slots=True)
class ContainerPort:
    """A port a container declares; a Service's named targetPort refers to `name`."""

    container_port: int
    name: str = ""
    protocol: str = "TCP"


@dataclass(frozen=True, slots=True)
class Container:
    """A container of a pod spec (or of a Deployment's or ReplicaSet's pod template)."""

    name: str
    image: str
    ports: tuple[ContainerPort, ...] = ()
    restart_policy: str = ""  # "Always" on an init container makes it a sidecar


@dataclass(frozen=True, slots=True)
class ContainerRunning:
    started_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ContainerWaiting:
    reason: str = ""  # ContainerCreating, CrashLoopBackOff, ImagePullBackOff...
    message: str = ""


@dataclass(frozen=True, slots=True)
class ContainerTerminated:
    exit_code: int = 0
    signal: int | None = None
    reason: str = ""  # Completed, Error, OOMKilled...
    message: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None


ContainerState = ContainerRunning | ContainerWaiting | ContainerTerminated


@dataclass(frozen=True, slots=True)
class ContainerStatus:
    """What the kubelet reports about one container."""

    name: str
    image: str = ""
    ready: bool = False
    started: bool | None = None
    restart_count: int = 0
    state: ContainerState | None = None
    last_terminated: ContainerTerminated | None = None  # lastState.terminated: the last crash

    @property
    def last_termination_time(self) -> datetime | None:
        return None if self.last_terminated is None else self.last_terminated.finished_at


@dataclass(frozen=True, slots=True)
class PodColumns:
    """kubectl's READY, STATUS and RESTARTS of a pod, computed together in one pass."""

    ready: int
    total: int
    status: str
    restarts: int
    last_restart: datetime | None


@dataclass(frozen=True, slots=True)
class Pod:
    """A pod: where it runs, at which IP, and how its containers are doing."""

    meta: ObjectMeta
    node_name: str = ""
    phase: str = ""
    reason: str = ""  # status.reason: Evicted, NodeLost...
    message: str = ""
    pod_ip: str = ""
    pod_ips: tuple[str, ...] = ()
    host_ip: str = ""
    start_time: datetime | None = None
    conditions: tuple[Condition, ...] = ()
    containers: tuple[Container, ...] = ()
    init_containers: tuple[Container, ...] = ()
    container_statuses: tuple[ContainerStatus, ...] = ()
    init_container_statuses: tuple[ContainerStatus, ...] = ()

    def condition(self, condition_type: str) -> Condition | None:
        """The first condition of a type, as Go's loops find it."""
        for condition in self.conditions:
            if condition.type == condition_type:
                return condition
        return None

    @property
    def is_ready(self) -> bool:
        """The Ready condition: what puts the pod's IP among a Service's ready endpoints."""
        ready = self.condition("Ready")
        return ready is not None and ready.is_true

    @property
    def status(self) -> str:
        """kubectl's STATUS: Running, Pending, ContainerCreating, CrashLoopBackOff, Completed..."""
        return self.columns().status

    @property
    def ready_text(self) -> str:
        """kubectl's READY: ready containers over containers (sidecars count), e.g. "1/2"."""
        columns = self.columns()
        return f"{columns.ready}/{columns.total}"

    @property
    def restarts(self) -> int:
        """kubectl's RESTARTS count."""
        return self.columns().restarts

    @property
    def last_restart(self) -> datetime | None:
        """When the most recently restarted container last terminated ("5 (2m ago)")."""
        return self.columns().last_restart

    def columns(self) -> PodColumns:
        """READY, STATUS and RESTARTS at once: a table row should compute them only once."""
        # printPod in kubernetes/pkg/printers/internalversion/printers.go, restated.
        sidecars = {c.name for c in self.init_containers if c.restart_policy == "Always"}
        total = len(self.containers) + len(sidecars)
        ready = 0
        reason = self.reason or self.phase
        scheduled = self.condition("PodScheduled")
        if scheduled is not None and scheduled.reason == "SchedulingGated":
            reason = "SchedulingGated"
        all_restarts, sidecar_restarts = _Tally(), _Tally()
        initializing = False
        for index, container in enumerate(self.init_container_statuses):
            all_restarts.add(container)
            is_sidecar = container.name in sidecars
            if is_sidecar:
                sidecar_restarts.add(container)
            state = container.state
            if isinstance(state, ContainerTerminated) and state.exit_code == 0:
                continue
            if is_sidecar and container.started:
                ready += container.ready
                continue
            if isinstance(state, ContainerTerminated):
                reason = "Init:" + _terminated_reason(state)
            elif (
                isinstance(state, ContainerWaiting)
                and state.reason
                and state.reason != "PodInitializing"
            ):
                reason = "Init:" + state.reason
            else:
                reason = f"Init:{index}/{len(self.init_containers)}"
            initializing = True
            break
        restarts = all_restarts
        initialized = self.condition("Initialized")
        if not initializing or (initialized is not None and initialized.is_true):
            restarts = sidecar_restarts
            has_running = False
            for container in reversed(self.container_statuses):
                restarts.add(container)
                state = container.state
                if isinstance(state, ContainerWaiting) and state.reason:
                    reason = state.reason
                elif isinstance(state, ContainerTerminated):
                    reason = _terminated_reason(state)
                elif container.ready and isinstance(state, ContainerRunning):
                    has_running = True
                    ready += 1
            # A pod whose last container completed while another still runs is not Completed.
            if reason == "Completed" and has_running:
                reason = "Running" if self.is_ready else "NotReady"
        if self.meta.deletion_timestamp is not None:
            if self.reason == "NodeLost":
                reason = "Unknown"
            elif self.phase not in ("Succeeded", "Failed"):
                reason = "Terminating"
        return PodColumns(ready, total, reason, restarts.count, restarts.last)


class _Tally:
    """Restarts and the latest last-termination time over some containers."""

    __slots__ = ("count", "last")

    def __init__(self) -> None:
        self.count = 0
        self.last: datetime | None = None

    def add(self, status: ContainerStatus) -> None:
        self.count += status.restart_count
        finished = status.last_termination_time
        if finished is not None and (self.last is None or finished > self.last):
            self.last = finished


def _terminated_reason(state: ContainerTerminated) -> str:
    if state.reason:
        return state.reason
    if state.signal:
        return f"Signal:{state.signal}"
    return f"ExitCode:{state.exit_code}"


def _port(raw: Mapping[str, Any]) -> ContainerPort:
    return ContainerPort(
        container_port=integer(raw, "containerPort"),
        name=repeated_string(raw, "name"),
        protocol=repeated_string(raw, "protocol", "TCP"),
    )


def decode_container(raw: Mapping[str, Any]) -> Container:
    """One entry of `containers` or `initContainers`; the pods of one template share it."""
    return shared(
        Container(
            name=repeated_string(raw, "name"),
            image=repeated_string(raw, "image"),
            ports=each(raw, "ports", _port),
            restart_policy=repeated_string(raw, "restartPolicy"),
        )
    )


def _terminated(raw: Mapping[str, Any]) -> ContainerTerminated:
    return ContainerTerminated(
        exit_code=integer(raw, "exitCode"),
        signal=optional_integer(raw, "signal"),
        reason=repeated_string(raw, "reason"),
        message=string(raw, "message"),
        started_at=timestamp(raw, "startedAt"),
        finished_at=timestamp(raw, "finishedAt"),
    )


def _state(raw: Mapping[str, Any]) -> ContainerState | None:
    # Exactly one of the three is set; a kubelet that has not reported yet sets none.
    if raw.get("terminated") is not None:
        return nested(raw, "terminated", _terminated)
    if raw.get("waiting") is not None:
        return nested(raw, "waiting", _waiting)
    if raw.get("running") is not None:
        return nested(raw, "running", _running)
    return None


def _waiting(raw: Mapping[str, Any]) -> ContainerWaiting:
    return ContainerWaiting(repeated_string(raw, "reason"), string(raw, "message"))


def _running(raw: Mapping[str, Any]) -> ContainerRunning:
    return ContainerRunning(timestamp(raw, "startedAt"))


def _last_terminated(raw: Mapping[str, Any]) -> ContainerTerminated | None:
    if raw.get("terminated") is None:
        return None
    return nested(raw, "terminated", _terminated)


def _container_status(raw: Mapping[str, Any]) -> ContainerStatus:
    return shared(
        ContainerStatus(
            name=repeated_string(raw, "name"),
            image=repeated_string(raw, "image"),
            ready=boolean(raw, "ready"),
            started=optional_boolean(raw, "started"),
            restart_count=integer(raw, "restartCount"),
            state=shared_nested(raw, "state", _state),
            last_terminated=shared_nested(raw, "lastState", _last_terminated),
        )
    )


def _pod_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "node_name": repeated_string(spec, "nodeName"),
        "containers": shared(each(spec, "containers", decode_container)),
        "init_containers": each(spec, "initContainers", decode_container),
    }


def _pod_status(status: Mapping[str, Any]) -> dict[str, Any]:
    pod_ips = each(status, "podIPs", lambda entry: string(entry, "ip"))
    # v1 -> internal conversion: podIP wins over podIPs[0] when both are set.
    pod_ip = string(status, "podIP") or (pod_ips[0] if pod_ips else "")
    if pod_ips and pod_ips[0] == pod_ip:
        pod_ips = (pod_ip, *pod_ips[1:])  # one copy of the address
    return {
        "phase": repeated_string(status, "phase"),
        "reason": repeated_string(status, "reason"),
        "message": string(status, "message"),
        "pod_ip": pod_ip,
        "pod_ips": pod_ips,
        "host_ip": repeated_string(status, "hostIP"),
        "start_time": timestamp(status, "startTime"),
        "conditions": decode_conditions(status),
        "container_statuses": shared(each(status, "containerStatuses", _container_status)),
        "init_container_statuses": each(status, "initContainerStatuses", _container_status),
    }


def _pod(meta: ObjectMeta, raw: Mapping[str, Any]) -> Pod:
    return Pod(meta, **nested(raw, "spec", _pod_spec), **nested(raw, "status", _pod_status))


def decode_pod(raw: Mapping[str, Any]) -> Pod:
    """A v1 Pod as the API returns it; DecodeError if malformed."""
    return decode_object("Pod", raw, _pod)
