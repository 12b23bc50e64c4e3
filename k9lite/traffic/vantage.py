"""Where test requests enter a Service: the ways in that a route draws, as URLs to fire at.

- proxy: the API server's service proxy, with the kubeconfig's credentials; works for every type
  from wherever the API is reachable (needs the `services/proxy` permission);
- nodeport: each node's address:nodePort, round robin, or one chosen node;
- loadbalancer: each load-balancer address:port;
- clusterip: ClusterIP:port, reachable only from a node or a pod;
- url: any URL (a port-forward, an Ingress).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from k9lite.analysis.route_types import join_host_port, node_address
from k9lite.kube.proxy import ProxyAccess
from k9lite.model.services import Service, ServicePort
from k9lite.model.state import ClusterState

__all__ = ["Target", "VantageError", "Via", "service_port", "targets", "ways_in"]

Via = Literal["proxy", "nodeport", "loadbalancer", "clusterip", "url"]


class VantageError(ValueError):
    """This way into the Service does not exist (one line saying why, and what would work)."""


@dataclass(frozen=True, slots=True)
class Target:
    """One URL to send requests to, and the node it enters by (for a NodePort)."""

    label: str
    url: str
    node: str | None = None
    proxied: bool = False
    """Through the API server: send the kubeconfig's credentials, verify its certificate."""


def service_port(service: Service, port: str | int | None) -> ServicePort:
    """The Service port by number or name; its first port when `port` is None."""
    if not service.ports:
        raise VantageError(f"service {service.meta.name} has no ports")
    if port is None:
        return service.ports[0]
    for candidate in service.ports:
        if str(port) in (str(candidate.port), candidate.name):
            return candidate
    known = ", ".join(p.name or str(p.port) for p in service.ports)
    raise VantageError(f"service {service.meta.name} has no port {port}; it has {known}")


def targets(
    via: Via,
    service: Service,
    state: ClusterState,
    *,
    port: str | int | None = None,
    path: str = "/",
    node: str | None = None,
    access: ProxyAccess | None = None,
) -> list[Target]:
    """The URLs of one way into `service` (not for `url`, which is the URL itself)."""
    name = service.meta.name
    if service.type == "ExternalName":
        raise VantageError(f"{name} is an ExternalName: a DNS alias of {service.external_name}")
    chosen = service_port(service, port)
    path = path if path.startswith("/") else "/" + path
    if via == "proxy":
        if access is None:
            raise VantageError("the proxy needs the kubeconfig's credentials")
        url = access.service_url(service.meta.namespace, name, chosen.name or chosen.port, path)
        return [Target("proxy", url, proxied=True)]
    if via == "nodeport":
        return _node_ports(service, chosen, state, path, node)
    if via == "loadbalancer":
        return _load_balancers(service, chosen, path)
    if via == "clusterip":
        if service.headless:
            raise VantageError(f"{name} is headless: it has no ClusterIP; try --via proxy")
        address = join_host_port(service.cluster_ip, chosen.port)
        return [Target(address, f"http://{address}{path}")]
    raise VantageError(f"--via {via} takes a URL, not a Service")


def _node_ports(
    service: Service, port: ServicePort, state: ClusterState, path: str, only: str | None
) -> list[Target]:
    name = service.meta.name
    if not port.node_port:
        raise VantageError(f"{name} has no nodePort: it is a {service.type} Service")
    nodes = sorted(state.objects("nodes"), key=lambda n: n.meta.name)
    if only is not None:
        nodes = [n for n in nodes if n.meta.name == only]
        if not nodes:
            raise VantageError(f"no node {only}")
    if not nodes:
        raise VantageError("no nodes are visible: name one with --url http://NODE:PORT/")
    found = []
    for each in nodes:
        address = join_host_port(node_address(each), port.node_port)
        found.append(
            Target(f"{each.meta.name} {address}", f"http://{address}{path}", each.meta.name)
        )
    return found


def _load_balancers(service: Service, port: ServicePort, path: str) -> list[Target]:
    name = service.meta.name
    if service.type != "LoadBalancer":
        raise VantageError(f"{name} is a {service.type} Service, not a LoadBalancer")
    if service.load_balancer_pending:
        raise VantageError(
            f"{name}'s load balancer is <pending>: no controller has given it an address; "
            "try --via nodeport"
        )
    found = []
    for ingress in service.load_balancer_ingress:
        address = join_host_port(ingress.ip or ingress.hostname, port.port)
        found.append(Target(address, f"http://{address}{path}"))
    return found


def ways_in(service: Service) -> list[Via]:
    """The ways into `service` that exist now, the proxy first (it works for every type)."""
    ways: list[Via] = ["proxy"]
    if any(port.node_port for port in service.ports):
        ways.append("nodeport")
    if service.type == "LoadBalancer" and not service.load_balancer_pending:
        ways.append("loadbalancer")
    if not service.headless:
        ways.append("clusterip")
    return ways
