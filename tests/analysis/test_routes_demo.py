"""build_route on the live demo cluster: each walkthrough's route (W2-W8) from real state.

One cluster runs w2..w8 (what they share, hostname-server and ingress-nginx, is identical and
made once), listed as `k9lite route` lists it; every fact is checked against the objects kubectl
reads, never constants: IPs and pod names are the cluster's to choose.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console

from k9lite.analysis.route_types import ROUTE_KINDS, HopId, Route, RouteLane, RouteStage
from k9lite.analysis.routes import build_route
from k9lite.demo.cluster import DemoCluster
from k9lite.kube.config import load_connection
from k9lite.kube.feed import watching
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from k9lite.render.route import RouteDiagram
from tests.conftest import FAST, Kubectl, endpoints_caught_up, wait_for
from tests.demo.test_dataplane import dropped, hello, plain_http, reach

SCENARIOS = tuple(f"w{n}" for n in range(2, 9))


Raw = dict[tuple[str, str, str], dict[str, Any]]


# -- the cluster, its state as k9lite lists it, and its objects as kubectl reads them ----------


def settled_state(demo: DemoCluster) -> ClusterState:
    """What `watching` lists for all namespaces, once the cluster has caught up: each Service's
    ready endpoints are its ready pods, and with a controller each LoadBalancer has an address."""
    assert demo.wait_settled(), "the demo's Deployments did not become ready"
    connection = load_connection(str(demo.kubeconfig_path))

    def caught_up(state: ClusterState, service: Service) -> bool:
        if demo.options.load_balancer and service.load_balancer_pending:
            return False
        return endpoints_caught_up(state, service)

    def listed() -> ClusterState | None:
        with watching(connection, ROUTE_KINDS, None, timeout=10) as (feed, statuses):
            pass
        if any(kind not in statuses or statuses[kind].state != "live" for kind in ROUTE_KINDS):
            return None
        services = feed.state.objects("services")
        return feed.state if all(caught_up(feed.state, s) for s in services) else None

    return wait_for(listed, timeout=20, message="every Service's endpoints and LB addresses")


def raw_objects(kubectl: Kubectl) -> Raw:
    """Services, pods, nodes and Ingresses as kubectl reads them, by (kind, namespace, name)."""
    listed = json.loads(kubectl("get", "services,pods,nodes,ingresses", "-A", "-o", "json"))
    return {
        (item["kind"], item["metadata"].get("namespace", ""), item["metadata"]["name"]): item
        for item in listed["items"]
    }


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoCluster]:
    with DemoCluster(dataclasses.replace(FAST, scenarios=SCENARIOS)) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def state(demo: DemoCluster) -> ClusterState:
    return settled_state(demo)


@pytest.fixture(scope="module")
def kubectl(demo: DemoCluster, tmp_path_factory: pytest.TempPathFactory) -> Kubectl:
    return Kubectl(demo.kubeconfig_path, tmp_path_factory.mktemp("kube-cache"))


@pytest.fixture(scope="module")
def raw(state: ClusterState, kubectl: Kubectl) -> Raw:
    # After `state`: the cluster has settled, so both see the same objects.
    return raw_objects(kubectl)


# -- reading routes and objects ------------------------------------------------------------------


def route_of(state: ClusterState, namespace: str, name: str) -> Route:
    service = state.get("services", namespace, name)
    assert service is not None, f"no Service {namespace}/{name} in the listed state"
    return build_route(state, service)


def kinds(lane: RouteLane) -> list[str]:
    return [s.kind for s in lane.stages]


def stage(lane: RouteLane, kind: str) -> RouteStage:
    found = [s for s in lane.stages if s.kind == kind]
    assert len(found) == 1, f"{kind} stages in {kinds(lane)}"
    return found[0]


def nodes(raw: Raw) -> list[tuple[str, str]]:
    """(name, InternalIP) of every node, by name."""
    internal = [
        (k[2], a) for k, o in raw.items() if k[0] == "Node" for a in o["status"]["addresses"]
    ]
    return sorted((name, a["address"]) for name, a in internal if a["type"] == "InternalIP")


def pods(raw: Raw, namespace: str, app: str) -> list[dict[str, Any]]:
    """The running pods labelled app=`app` in `namespace`."""
    found = [
        obj
        for (kind, ns, _), obj in raw.items()
        if kind == "Pod"
        and ns == namespace
        and obj["metadata"].get("labels", {}).get("app") == app
        and obj["status"].get("phase") == "Running"
    ]
    assert found, f"no running pod app={app} in {namespace}"
    return found


def endpoint_facts(stage: RouteStage) -> set[tuple[str, str, str, str]]:
    return {(hop.address, hop.name, hop.where, hop.health) for hop in stage.hops}


def pod_facts(found: list[dict[str, Any]], port: int) -> set[tuple[str, str, str, str]]:
    """What the endpoints stage must show of `found`: IP:port, name, node, ready."""
    return {
        (f"{p['status']['podIP']}:{port}", p["metadata"]["name"], p["spec"]["nodeName"], "ok")
        for p in found
    }


def every_node(raw: Raw, node_port: int) -> list[tuple[str, str]]:
    return [(f"{ip}:{node_port}", name) for name, ip in nodes(raw)]


# -- W2-W4: ClusterIP, NodePort, externalTrafficPolicy -------------------------------------------


def test_w2_cluster_ip_to_both_hostname_pods(
    state: ClusterState, raw: Raw, kubectl: Kubectl
) -> None:
    name = "clusterip-hostname-service"
    route = route_of(state, "default", name)
    assert (route.kind, route.selector) == ("ClusterIP", "app=hostname-server")
    (lane,) = route.lanes
    assert kinds(lane) == ["cluster-ip", "endpoints"]
    cluster_ip = raw["Service", "default", name]["spec"]["clusterIP"]
    assert [h.address for h in stage(lane, "cluster-ip").hops] == [f"{cluster_ip}:8080"]
    endpoints = stage(lane, "endpoints")
    hostname_pods = pods(raw, "default", "hostname-server")
    assert len(hostname_pods) == 2
    assert endpoint_facts(endpoints) == pod_facts(hostname_pods, 80)
    assert endpoints.title == "endpoints: 2 ready"
    # What kubectl reports of the Service's EndpointSlices is exactly what the route draws.
    slices = json.loads(
        kubectl("get", "endpointslices", "-l", f"kubernetes.io/service-name={name}", "-o", "json")
    )["items"]
    reported = {
        (f"{address}:{port['port']}", endpoint["targetRef"]["name"], endpoint["nodeName"])
        for endpoint_slice in slices
        for port in endpoint_slice["ports"]
        for endpoint in endpoint_slice["endpoints"]
        for address in endpoint["addresses"]
    }
    assert {(h.address, h.name, h.where) for h in endpoints.hops} == reported


def test_w3_node_port_on_every_node_master_too(state: ClusterState, raw: Raw) -> None:
    route = route_of(state, "default", "nodeport-hostname-service")
    (lane,) = route.lanes
    assert kinds(lane) == ["node-port", "cluster-ip", "endpoints"]
    node_port = stage(lane, "node-port")
    assert [(h.address, h.name) for h in node_port.hops] == every_node(raw, 30080)
    assert "master" in {h.name for h in node_port.hops}
    assert all(h.health == "ok" and h.targets is None for h in node_port.hops)
    assert node_port.entries == ("a client outside the cluster",)
    # A NodePort Service has a ClusterIP too.
    cluster_ip = raw["Service", "default", "nodeport-hostname-service"]["spec"]["clusterIP"]
    assert [h.address for h in stage(lane, "cluster-ip").hops] == [f"{cluster_ip}:8080"]


def test_w4_local_policy_only_the_pods_node_leads_to_it(
    demo: DemoCluster, state: ClusterState, raw: Raw
) -> None:
    (pod,) = pods(raw, "default", "local-server")
    home = pod["spec"]["nodeName"]
    (lane,) = route_of(state, "default", "local-nodeport-service").lanes
    (endpoint,) = stage(lane, "endpoints").hops
    assert (endpoint.address, endpoint.where) == (f"{pod['status']['podIP']}:80", home)
    node_port = stage(lane, "node-port")
    assert [(h.address, h.name) for h in node_port.hops] == every_node(raw, 30081)
    for hop in node_port.hops:
        if hop.name == home:
            assert (hop.health, hop.targets) == ("ok", (endpoint.key,)), hop
        else:
            assert (hop.health, hop.targets) == ("drops", ()), hop
    assert "externalTrafficPolicy Local" in node_port.note

    # Cluster policy, same pod: every node forwards, whichever runs the pod.
    (lane,) = route_of(state, "default", "cluster-nodeport-service").lanes
    node_port = stage(lane, "node-port")
    assert [(h.address, h.name) for h in node_port.hops] == every_node(raw, 30082)
    assert all(h.health == "ok" and h.targets is None for h in node_port.hops)

    # The data plane agrees: the pod's node answers with the pod, the others drop.
    addresses = dict(nodes(raw))
    with plain_http(keep_alive=False) as http:
        answer = wait_for(
            lambda: hello(http, reach(demo, addresses[home], 30081)),
            timeout=10,
            message=f"{home} ({addresses[home]}:30081) to answer",
        )
    assert answer == pod["metadata"]["name"]
    for name, ip in addresses.items():
        if name != home:
            assert dropped(demo, ip, 30081), f"{name} ({ip}) did not drop on 30081 under Local"


# -- W5: LoadBalancer, with and without a controller ---------------------------------------------


def test_w5_load_balancer_address_from_the_controller(state: ClusterState, raw: Raw) -> None:
    svc = raw["Service", "default", "svc-3"]
    route = route_of(state, "default", "svc-3")
    assert route.kind == "LoadBalancer"
    (lane,) = route.lanes
    assert kinds(lane) == ["load-balancer", "node-port", "cluster-ip", "endpoints"]
    ingress = svc["status"]["loadBalancer"]["ingress"]
    balancer = stage(lane, "load-balancer")
    assert [h.address for h in balancer.hops] == [f"{i['ip']}:9000" for i in ingress]
    assert all(h.health == "ok" for h in balancer.hops)
    # Behind its load balancer, the NodePort is not where outside clients enter.
    node_port = stage(lane, "node-port")
    assert node_port.entries == ()
    assert [(h.address, h.name) for h in node_port.hops] == every_node(
        raw, svc["spec"]["ports"][0]["nodePort"]
    )
    assert endpoint_facts(stage(lane, "endpoints")) == pod_facts(pods(raw, "default", "pod"), 8080)


def test_w5_without_a_controller_the_address_is_pending(tmp_path: Path) -> None:
    options = dataclasses.replace(FAST, scenarios=("w5",), load_balancer=False)
    with DemoCluster(options) as demo:
        state = settled_state(demo)
        raw = raw_objects(Kubectl(demo.kubeconfig_path, tmp_path / "kube-cache"))
    assert not raw["Service", "default", "svc-3"].get("status", {}).get("loadBalancer")
    route = route_of(state, "default", "svc-3")
    (lane,) = route.lanes
    balancer = stage(lane, "load-balancer")
    (hop,) = balancer.hops
    assert (hop.address, hop.health) == ("<pending>", "pending")
    # The tutorial's advice for a cluster outside a cloud, on the hop or on its stage.
    assert "MetalLB" in f"{hop.note} {balancer.note}", (hop.note, balancer.note)
    assert len(stage(lane, "endpoints").hops) == 2
    # Until it has an address, outside clients use the NodePort.
    assert stage(lane, "node-port").entries == ("a client outside the cluster",)
    file = io.StringIO()
    Console(width=80, color_system=None, file=file).print(RouteDiagram(route))
    text = file.getvalue()
    assert "<pending>" in text and "MetalLB" in text, text


# -- W6: a selector that matches no pod's labels --------------------------------------------------


def test_w6_selector_of_the_deployment_label_has_no_endpoints(
    state: ClusterState, raw: Raw
) -> None:
    # The Deployment's pods run, but carry app=my-app, not the Service's app=my-app-2.
    assert len(pods(raw, "default", "my-app")) == 3
    (lane,) = route_of(state, "default", "my-service").lanes
    endpoints = stage(lane, "endpoints")
    assert endpoints.hops == ()
    assert endpoints.title == "endpoints: none"
    assert "selector app=my-app-2" in endpoints.note


# -- W7: headless, ExternalName, multi-port, Ingress ---------------------------------------------


def test_w7_headless_has_a_dns_name_and_no_cluster_ip(state: ClusterState, raw: Raw) -> None:
    route = route_of(state, "default", "headless-service")
    assert route.kind == "headless"
    (lane,) = route.lanes
    assert kinds(lane) == ["dns", "endpoints"]
    assert [h.address for h in stage(lane, "dns").hops] == [
        "headless-service.default.svc.cluster.local"
    ]
    hostname_pods = pods(raw, "default", "hostname-server")
    assert endpoint_facts(stage(lane, "endpoints")) == pod_facts(hostname_pods, 80)


def test_w7_external_name_is_a_cname(state: ClusterState) -> None:
    route = route_of(state, "default", "external-service")
    assert (route.kind, route.selector) == ("ExternalName", "")
    (lane,) = route.lanes
    assert lane.port is None
    assert kinds(lane) == ["dns", "endpoints"]
    (dns,) = stage(lane, "dns").hops
    assert dns.note == "CNAME example.com"
    assert [h.address for h in stage(lane, "endpoints").hops] == ["example.com"]


def test_w7_multi_port_has_a_lane_each(state: ClusterState, raw: Raw) -> None:
    route = route_of(state, "default", "multi-port-service")
    cluster_ip = raw["Service", "default", "multi-port-service"]["spec"]["clusterIP"]
    (pod,) = pods(raw, "default", "multi")
    tcp, udp = route.lanes
    for lane, protocol, port, target in ((tcp, "TCP", 80, 8080), (udp, "UDP", 53, 53)):
        assert lane.port is not None and lane.port.protocol == protocol
        assert f"{port}/{protocol}" in lane.title
        assert [h.address for h in stage(lane, "cluster-ip").hops] == [f"{cluster_ip}:{port}"]
        assert endpoint_facts(stage(lane, "endpoints")) == pod_facts([pod], target)


@pytest.mark.parametrize("web", ["web1", "web2"])
def test_w7_ingress_rule_comes_first(state: ClusterState, raw: Raw, web: str) -> None:
    (lane,) = route_of(state, "default", web).lanes
    assert kinds(lane) == ["ingress", "cluster-ip", "endpoints"]
    ingress = lane.stages[0]
    assert [(h.address, h.name, h.targets) for h in ingress.hops] == [
        (f"example.com/{web}", "ingress example-ingress (Prefix)", (HopId("cluster-ip"),))
    ]
    assert ingress.actor == "ingress controller (nginx)"
    cluster_ip = raw["Service", "default", web]["spec"]["clusterIP"]
    assert [h.address for h in stage(lane, "cluster-ip").hops] == [f"{cluster_ip}:80"]
    assert endpoint_facts(stage(lane, "endpoints")) == pod_facts(pods(raw, "default", web), 80)


# -- W8: the three-tier layout -------------------------------------------------------------------


def test_w8_named_target_port_resolves_on_each_pod(state: ClusterState, raw: Raw) -> None:
    (lane,) = route_of(state, "three-tier", "web1").lanes
    assert lane.port is not None and lane.port.target_port == "http"
    web_pods = pods(raw, "three-tier", "web1")
    assert len(web_pods) == 2
    for pod in web_pods:
        (http,) = [
            p["containerPort"]
            for c in pod["spec"]["containers"]
            for p in c.get("ports", ())
            if p.get("name") == "http"
        ]
        assert http == 80
    assert endpoint_facts(stage(lane, "endpoints")) == pod_facts(web_pods, 80)
    (rule,) = stage(lane, "ingress").hops
    assert (rule.address, rule.name) == ("*/web1", "ingress three-tier-ingress (Prefix)")
    assert lane.stages[0].kind == "ingress"


def test_w8_db_node_port_on_every_node(state: ClusterState, raw: Raw) -> None:
    (lane,) = route_of(state, "three-tier", "db").lanes
    assert kinds(lane) == ["node-port", "cluster-ip", "endpoints"]
    node_port = stage(lane, "node-port")
    assert [(h.address, h.name) for h in node_port.hops] == every_node(raw, 30306)
    assert all(h.health == "ok" for h in node_port.hops)
    db_pods = pods(raw, "three-tier", "db")
    assert endpoint_facts(stage(lane, "endpoints")) == pod_facts(db_pods, 3306)


# -- every Service, drawn ---------------------------------------------------------------------


def drawn(state: ClusterState, width: int) -> Iterator[tuple[str, str]]:
    """Each Service's name and its diagram at `width` columns, as plain text."""
    for service in state.objects("services"):
        file = io.StringIO()
        Console(width=width, color_system=None, file=file).print(
            RouteDiagram(build_route(state, service))
        )
        yield f"{service.meta.namespace}/{service.meta.name}", file.getvalue()


def unframed(text: str) -> list[str]:
    """Lines inside a stage (between its ┌ and └ lines) that do not start with its │."""
    inside, found = False, []
    for line in text.splitlines():
        if line.startswith(("┌", "└")):
            inside = line.startswith("┌")
        elif inside and not line.startswith("│"):
            found.append(line)
    return found


def test_every_route_fits_80_columns(state: ClusterState, raw: Raw) -> None:
    expected = {f"{ns}/{name}" for kind, ns, name in raw if kind == "Service"}
    routes = dict(drawn(state, 80))
    assert set(routes) == expected
    for where, text in routes.items():
        assert text.startswith(f"Service {where}"), text
        assert "Traceback" not in text, text
        wide = [line for line in text.splitlines() if cell_len(line) > 80]
        assert not wide, f"{where}: lines wider than 80 cells:\n" + "\n".join(wide)
        assert not unframed(text), f"{where}: lines out of their stage's frame:\n{text}"


def test_every_route_keeps_its_frame_at_60_columns(state: ClusterState) -> None:
    for where, text in drawn(state, 60):
        assert all(cell_len(line) <= 60 for line in text.splitlines()), text
        assert not unframed(text), f"{where}: lines out of their stage's frame:\n{text}"
