"""Where a port-forward goes: one pod and one of its ports, as `kubectl port-forward` decides.

The API server forwards to pods only (`pods/NAME/portforward`). For `svc/NAME PORT`, kubectl
(k8s.io/kubectl pkg/cmd/portforward) takes the first of the Service's pods, running ones first,
and turns the Service port into the pod's port: the targetPort, looked up by name in the pod's
containerPorts when it is a name (pkg/util/service_port.go LookupContainerPortNumberByServicePort).
The forward stays on that pod: it is not load-balanced and does not follow a new one.
"""

from __future__ import annotations

from dataclasses import dataclass

from k9lite.model.pods import Pod
from k9lite.model.services import Service, ServicePort
from k9lite.model.state import ClusterState

__all__ = [
    "ForwardError",
    "ForwardTarget",
    "first_port",
    "pod_target",
    "selector_problem",
    "service_target",
    "suggested_ports",
]


class ForwardError(ValueError):
    """Why nothing can be forwarded to: one line for the user."""


@dataclass(frozen=True, slots=True)
class ForwardTarget:
    """A pod's port, and what the user asked for (`svc/web:8080`), to show beside it."""

    namespace: str
    pod: str
    port: int
    asked: str


def _declared(pod: Pod) -> list[int]:
    return [p.container_port for c in pod.containers for p in c.ports if p.protocol == "TCP"]


def pod_target(pod: Pod, port: int) -> ForwardTarget:
    """`kubectl port-forward pod/NAME PORT`: any port, declared or not (containerPorts are only
    a hint); a pod that does not run has nothing to forward to."""
    if pod.phase != "Running":
        raise ForwardError(f"pod {pod.meta.name} is {pod.phase or 'not running'}, not Running")
    return ForwardTarget(pod.meta.namespace, pod.meta.name, port, f"pod/{pod.meta.name}:{port}")


def selector_problem(service: Service) -> str | None:
    """Why no forward to `service` can ever find a pod, whatever runs: it selects none."""
    if not service.selector:
        return f"Service {service.meta.name} has no selector: no pod to forward to"
    return None


def service_target(state: ClusterState, service: Service, port: int) -> ForwardTarget:
    """`kubectl port-forward svc/NAME PORT`: the first running pod the Service selects, at the
    pod port that Service port sends to."""
    name = service.meta.name
    wanted = next((p for p in service.ports if p.port == port), None)
    if wanted is None:
        shown = ", ".join(str(p.port) for p in service.ports) or "none"
        raise ForwardError(f"Service {name} does not have a service port {port} (it has {shown})")
    if (reason := selector_problem(service)) is not None:
        raise ForwardError(reason)
    pods = sorted(
        (p for p in state.pods_selected_by(service) if p.phase == "Running"),
        key=lambda p: (not p.is_ready, p.meta.name),
    )
    for pod in pods:
        target = _pod_port(pod, wanted)
        if target is not None:
            return ForwardTarget(pod.meta.namespace, pod.meta.name, target, f"svc/{name}:{port}")
    if not pods:
        raise ForwardError(f"Service {name} selects no running pod")
    raise ForwardError(
        f"no pod of Service {name} declares a containerPort named {wanted.target_port}"
    )


def _pod_port(pod: Pod, port: ServicePort) -> int | None:
    if isinstance(port.target_port, int):
        return port.target_port
    return next(
        (
            p.container_port
            for c in pod.containers
            for p in c.ports
            if p.name == port.target_port and p.protocol == port.protocol
        ),
        None,
    )


def suggested_ports(remote: int) -> str:
    """`LOCAL:REMOTE` to offer: the same number, or above 1024 for a port only root may bind
    (80 -> 8080, 443 -> 8443)."""
    local = remote if remote >= 1024 else remote + 8000
    return f"{local}:{remote}"


def first_port(obj: Pod | Service) -> int | None:
    """The port to offer first: a Service's first port, a pod's first declared TCP port."""
    if isinstance(obj, Service):
        return obj.ports[0].port if obj.ports else None
    declared = _declared(obj)
    return declared[0] if declared else None
