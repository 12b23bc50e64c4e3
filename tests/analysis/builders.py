"""Raw objects for route tests, on top of tests.model.manifests, and states built from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from k9lite.analysis.route_types import HopId, Route, RouteLane, RouteStage
from k9lite.analysis.routes import build_route
from k9lite.model.state import ClusterState
from tests.model.manifests import (
    conditions,
    endpoint,
    endpoint_slice,
    metadata,
    node,
    running_pod,
    service,
)

HOSTNAME = {"app": "hostname-server"}

# The tutorial's three nodes; pods run on the workers only.
NODES = {"master": "172.30.1.10", "worker1": "172.30.1.11", "worker2": "172.30.1.12"}


def nodes(ready: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """master, worker1 and worker2, Ready unless `ready` says otherwise for a name."""
    roles = {"master": {"node-role.kubernetes.io/control-plane": ""}}
    return [
        node(name, ip, labels=roles.get(name, {}), ready=(ready or {}).get(name, "True"))
        for name, ip in NODES.items()
    ]


def slice_with_ports(
    name: str,
    service_name: str | None,
    ports: list[tuple[str, int, str]],
    endpoints: list[dict[str, Any]],
    namespace: str = "default",
) -> dict[str, Any]:
    """An EndpointSlice serving several ports, each (name, port, protocol)."""
    raw = endpoint_slice(name, service_name, namespace, endpoints=endpoints)
    raw["ports"] = [{"name": n, "port": p, "protocol": proto} for n, p, proto in ports]
    return raw


def bare_endpoint(ip: str, **conds: bool) -> dict[str, Any]:
    """A hand-made endpoint: an address, no targetRef, no nodeName."""
    return {"addresses": [ip], "conditions": conds}


def pending_pod(
    name: str, *, labels: dict[str, str] | None = None, node: str = "worker1"
) -> dict[str, Any]:
    """A scheduled pod whose container is still being created: no IP yet."""
    raw = running_pod(name, labels=labels, node=node)
    raw["status"] = {
        "phase": "Pending",
        "hostIP": "172.30.1.11",
        "conditions": conditions(PodScheduled=True, Initialized=True, Ready=False),
        "containerStatuses": [
            {
                "name": "hostname-server",
                "image": "takytaky/hostname",
                "ready": False,
                "restartCount": 0,
                "state": {"waiting": {"reason": "ContainerCreating"}},
            }
        ],
    }
    return raw


def with_container_ports(pod: dict[str, Any], ports: list[dict[str, Any]]) -> dict[str, Any]:
    pod["spec"]["containers"][0]["ports"] = ports
    return pod


def ingress(
    name: str,
    paths: Sequence[tuple[str, str, str, int | str]],
    *,
    class_name: str | None = "nginx",
    lb_ip: str | None = None,
    default: tuple[str, int | str] | None = None,
    namespace: str = "default",
) -> dict[str, Any]:
    """A networking.k8s.io/v1 Ingress; `paths` are (host, path, service, port number or name),
    `default` the (service, port) of its defaultBackend."""
    rules: dict[str, list[dict[str, Any]]] = {}
    for host, path, service_name, port in paths:
        backend = _backend(service_name, port)
        rules.setdefault(host, []).append({"path": path, "pathType": "Prefix", "backend": backend})
    spec: dict[str, Any] = {
        "rules": [{"host": host, "http": {"paths": found}} for host, found in rules.items()]
    }
    if default is not None:
        spec["defaultBackend"] = _backend(*default)
    if class_name is not None:
        spec["ingressClassName"] = class_name
    status = {"loadBalancer": {"ingress": [{"ip": lb_ip}]} if lb_ip else {}}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata(name, namespace),
        "spec": spec,
        "status": status,
    }


def _backend(service_name: str, port: int | str) -> dict[str, Any]:
    ref = {"number": port} if isinstance(port, int) else {"name": port}
    return {"service": {"name": service_name, "port": ref}}


def state_of(**kinds: list[dict[str, Any]]) -> ClusterState:
    """A ClusterState listed the way the app's watches list it: one `replace` per kind."""
    state = ClusterState()
    for kind, raws in kinds.items():
        state.replace(kind, raws)
    return state


def route_of(state: ClusterState, name: str, namespace: str = "default") -> Route:
    service = state.get("services", namespace, name)
    assert service is not None, f"no service {namespace}/{name}"
    return build_route(state, service)


# -- the tutorial's W2 Service, and looking into its route ---------------------------------------

W2 = "clusterip-hostname-service"
W2_PODS = [
    ("hostname-server-a", "worker1", "192.168.235.140"),
    ("hostname-server-b", "worker2", "192.168.189.81"),
]
EP_A, EP_B = HopId("endpoint", "192.168.235.140:80"), HopId("endpoint", "192.168.189.81:80")
FRONT = (HopId("cluster-ip"),)
"""What a hop that leads to the ClusterIP names as its targets."""
READY = {"ready": True, "serving": True, "terminating": False}
NOT_READY = {"ready": False, "serving": False, "terminating": False}
TERMINATING = {"ready": False, "serving": False, "terminating": True}


def node_port(node_port: int = 30080, **extra: Any) -> dict[str, Any]:
    port = {"protocol": "TCP", "port": 8080, "targetPort": 80, "nodePort": node_port}
    return {"type": "NodePort", "externalTrafficPolicy": "Cluster", "ports": [port], **extra}


def w2(
    name: str = W2,
    *,
    spec: dict[str, Any] | None = None,
    status: dict[str, Any] | None = None,
    pods: list[tuple[str, str, str]] = W2_PODS,
    conds: list[dict[str, bool]] | None = None,
    with_nodes: bool = True,
    **more: list[dict[str, Any]],
) -> ClusterState:
    """Two hostname-server pods behind `name`, both ready endpoints unless `conds` says."""
    conds = conds or [READY] * len(pods)
    endpoints = []
    for (pod, n, ip), c in zip(pods, conds, strict=True):
        raw = endpoint(ip, pod, node=n)
        raw["conditions"] = c
        endpoints.append(raw)
    kinds: dict[str, list[dict[str, Any]]] = {
        "services": [service(name, selector=HOSTNAME, spec=spec, status=status)],
        "pods": [running_pod(pod, labels=HOSTNAME, node=n, ip=ip) for pod, n, ip in pods],
        "endpointslices": [endpoint_slice(f"{name}-x7k2p", name, endpoints=endpoints)],
    }
    if with_nodes:
        kinds["nodes"] = nodes()
    return state_of(**{**kinds, **more})


def kinds(lane: RouteLane) -> list[str]:
    return [stage.kind for stage in lane.stages]


def stage(lane: RouteLane, kind: str) -> RouteStage:
    (found,) = [s for s in lane.stages if s.kind == kind]
    return found


def only_lane(state: ClusterState, name: str = W2) -> RouteLane:
    (lane,) = route_of(state, name).lanes
    return lane


def addresses(found: RouteStage) -> list[str]:
    return [hop.address for hop in found.hops]
