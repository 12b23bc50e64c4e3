"""build_route: the hops from live cluster state to a Service's pods, lane by lane."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from k9lite.analysis.route_types import HopId, RouteHop
from tests.analysis.builders import (
    EP_A,
    EP_B,
    FRONT,
    HOSTNAME,
    NODES,
    NOT_READY,
    READY,
    TERMINATING,
    W2,
    W2_PODS,
    addresses,
    bare_endpoint,
    ingress,
    kinds,
    node_port,
    nodes,
    only_lane,
    pending_pod,
    route_of,
    slice_with_ports,
    stage,
    state_of,
    w2,
    with_container_ports,
)
from tests.model.manifests import endpoint, endpoint_slice, running_pod, service

# -- ClusterIP, NodePort, LoadBalancer ----------------------------------------------------------


def test_w2_cluster_ip_leads_from_a_pod_in_the_cluster_to_both_pods() -> None:
    route = route_of(w2(), W2)
    assert (route.namespace, route.name, route.kind) == ("default", W2, "ClusterIP")
    assert (route.selector, route.notes) == ("app=hostname-server", ())
    (lane,) = route.lanes
    assert "8080/TCP" in lane.title and lane.title.endswith("targetPort 80")
    assert kinds(lane) == ["cluster-ip", "endpoints"]
    front = stage(lane, "cluster-ip")
    assert front.hops == (
        RouteHop(HopId("cluster-ip"), "10.106.104.217:8080", f"{W2}.default.svc.cluster.local"),
    )
    assert front.entries == ("a pod in the cluster",)
    endpoints = stage(lane, "endpoints")
    assert endpoints.title == "endpoints: 2 ready"
    assert endpoints.hops == (
        RouteHop(EP_A, "192.168.235.140:80", "hostname-server-a", "worker1", "ok", "ready"),
        RouteHop(EP_B, "192.168.189.81:80", "hostname-server-b", "worker2", "ok", "ready"),
    )
    assert endpoints.note == ""


def test_w3_node_port_is_open_on_every_node_even_one_without_pods() -> None:
    route = route_of(w2("nodeport-hostname-service", spec=node_port()), "nodeport-hostname-service")
    assert route.kind == "NodePort"
    (lane,) = route.lanes
    assert kinds(lane) == ["node-port", "cluster-ip", "endpoints"]
    ports = stage(lane, "node-port")
    assert ports.title == "NodePort 30080 on every node"
    assert ports.entries == ("a client outside the cluster",)
    assert ports.hops == tuple(
        RouteHop(HopId("node", name), f"{ip}:30080", name) for name, ip in NODES.items()
    )
    assert all(hop.targets is None and hop.health == "ok" for hop in ports.hops)
    assert addresses(stage(lane, "endpoints")) == ["192.168.235.140:80", "192.168.189.81:80"]


def test_a_not_ready_node_is_idle_on_the_node_port() -> None:
    state = w2(spec=node_port(), nodes=nodes(ready={"worker2": "False"}))
    worker2 = stage(only_lane(state), "node-port").hops[2]
    assert (worker2.key, worker2.health, worker2.note) == (
        HopId("node", "worker2"),
        "idle",
        "node NotReady",
    )


def test_w4_local_policy_leads_only_the_pods_node_to_it_and_others_drop() -> None:
    pods = [("local-server-a", "worker1", "192.168.235.141")]
    state = w2(spec=node_port(30081, externalTrafficPolicy="Local"), pods=pods)
    ports = stage(only_lane(state), "node-port")
    assert "externalTrafficPolicy Local" in ports.note
    master, worker1, worker2 = ports.hops
    assert worker1 == RouteHop(
        HopId("node", "worker1"),
        "172.30.1.11:30081",
        "worker1",
        targets=(HopId("endpoint", "192.168.235.141:80"),),
    )
    for hop, ip in ((master, "172.30.1.10"), (worker2, "172.30.1.12")):
        assert (hop.address, hop.health, hop.targets) == (f"{ip}:30081", "drops", ())
        assert "no local endpoint" in hop.note


def test_local_policy_a_node_whose_only_endpoint_is_not_ready_drops() -> None:
    pods = [("local-server-a", "worker1", "192.168.235.141")]
    spec = node_port(30081, externalTrafficPolicy="Local")
    lane = only_lane(w2(spec=spec, pods=pods, conds=[NOT_READY]))
    assert [h.health for h in stage(lane, "node-port").hops] == ["drops"] * 3
    assert [h.targets for h in stage(lane, "node-port").hops] == [()] * 3
    assert [h.health for h in stage(lane, "endpoints").hops] == ["idle"]


def test_local_policy_falls_back_to_a_serving_terminating_endpoint() -> None:
    pods = [("local-server-a", "worker1", "192.168.235.141")]
    serving = {"ready": False, "serving": True, "terminating": True}
    spec = node_port(30081, externalTrafficPolicy="Local")
    worker1 = stage(only_lane(w2(spec=spec, pods=pods, conds=[serving])), "node-port").hops[1]
    assert worker1.targets == (HopId("endpoint", "192.168.235.141:80"),)
    assert worker1.health != "drops"


def test_load_balancer_with_an_address_spreads_over_the_node_ports() -> None:
    spec = node_port(type="LoadBalancer")
    status = {"loadBalancer": {"ingress": [{"ip": "203.0.113.10"}]}}
    route = route_of(w2(spec=spec, status=status), W2)
    assert route.kind == "LoadBalancer"
    (lane,) = route.lanes
    assert kinds(lane) == ["load-balancer", "node-port", "cluster-ip", "endpoints"]
    balancer = stage(lane, "load-balancer")
    assert balancer.hops == (RouteHop(HopId("load-balancer", "203.0.113.10"), "203.0.113.10:8080"),)
    assert (balancer.entries, balancer.note) == (("a client outside the cluster",), "")
    assert stage(lane, "node-port").entries == ()


def test_a_pending_load_balancer_says_a_controller_such_as_metallb_is_missing() -> None:
    lane = only_lane(w2(spec=node_port(type="LoadBalancer")))
    balancer = stage(lane, "load-balancer")
    (hop,) = balancer.hops
    assert (hop.key, hop.address, hop.health) == (HopId("load-balancer"), "<pending>", "pending")
    assert "no load-balancer controller" in hop.note
    assert "MetalLB" in balancer.note and "NodePort" in balancer.note
    assert kinds(lane) == ["load-balancer", "node-port", "cluster-ip", "endpoints"]


def test_a_pending_load_balancer_of_a_class_names_the_class() -> None:
    spec = node_port(type="LoadBalancer", loadBalancerClass="example.com/internal-lb")
    balancer = stage(only_lane(w2(spec=spec)), "load-balancer")
    (hop,) = balancer.hops
    assert hop.health == "pending"
    assert "example.com/internal-lb" in hop.note
    assert "MetalLB" not in hop.note + balancer.note


def test_external_ips_lead_straight_to_the_cluster_ip() -> None:
    lane = only_lane(w2(spec={"externalIPs": ["198.51.100.20", "198.51.100.21"]}))
    assert kinds(lane) == ["external-ip", "cluster-ip", "endpoints"]
    assert stage(lane, "external-ip").hops == (
        RouteHop(HopId("external-ip", "198.51.100.20"), "198.51.100.20:8080", targets=FRONT),
        RouteHop(HopId("external-ip", "198.51.100.21"), "198.51.100.21:8080", targets=FRONT),
    )


@pytest.mark.parametrize("listed", [False, True], ids=["never-listed", "listed-empty"])
def test_node_port_without_visible_nodes_is_one_hop_for_every_node(listed: bool) -> None:
    state = w2(spec=node_port(), with_nodes=False)
    if listed:
        state.replace("nodes", [])
    assert stage(only_lane(state), "node-port").hops == (
        RouteHop(HopId("node"), "<every node>:30080", note="no nodes visible"),
    )


# -- headless, ExternalName, no selector --------------------------------------------------------


def test_w7_headless_service_has_a_dns_name_instead_of_a_cluster_ip() -> None:
    ports = [{"protocol": "TCP", "port": 80, "targetPort": 80}]
    state = w2(
        "headless-service", spec={"clusterIP": "None", "clusterIPs": ["None"], "ports": ports}
    )
    route = route_of(state, "headless-service")
    assert route.kind == "headless"
    (lane,) = route.lanes
    assert kinds(lane) == ["dns", "endpoints"]
    (hop,) = stage(lane, "dns").hops
    assert (hop.key, hop.address) == (HopId("dns"), "headless-service.default.svc.cluster.local")
    assert stage(lane, "dns").entries == ("a pod in the cluster",)
    assert addresses(stage(lane, "endpoints")) == ["192.168.235.140:80", "192.168.189.81:80"]


def test_an_ingress_in_front_of_a_headless_service_leads_to_its_endpoints() -> None:
    ports = [{"protocol": "TCP", "port": 80, "targetPort": 80}]
    rules = [ingress("web", [("example.com", "/", "headless-service", 80)])]
    spec = {"clusterIP": "None", "ports": ports}
    lane = only_lane(w2("headless-service", spec=spec, ingresses=rules), "headless-service")
    assert kinds(lane) == ["ingress", "dns", "endpoints"]
    (hop,) = stage(lane, "ingress").hops
    assert hop.targets == (EP_A, EP_B)


def test_w7_external_name_is_a_dns_alias_with_no_endpoints() -> None:
    raw = service("external-service")
    raw["spec"] = {"type": "ExternalName", "externalName": "example.com", "sessionAffinity": "None"}
    route = route_of(w2(services=[raw]), "external-service")
    assert (route.kind, route.selector, route.notes) == ("ExternalName", "", ())
    (lane,) = route.lanes
    assert (lane.title, lane.port) == ("ExternalName example.com", None)
    assert kinds(lane) == ["dns", "endpoints"]
    (dns,) = stage(lane, "dns").hops
    assert (dns.address, dns.note) == (
        "external-service.default.svc.cluster.local",
        "CNAME example.com",
    )
    assert stage(lane, "endpoints").hops == (
        RouteHop(HopId("external-name", "example.com"), "example.com", name="outside the cluster"),
    )


def test_a_service_without_selector_shows_its_hand_made_endpoints() -> None:
    raw = service("external-db", spec={"ports": [{"protocol": "TCP", "port": 5432}]})
    made = slice_with_ports(
        "external-db-1", "external-db", [("", 5432, "TCP")], [bare_endpoint("10.0.0.50")]
    )
    route = route_of(state_of(services=[raw], endpointslices=[made], pods=[]), "external-db")
    assert route.selector == ""
    assert any(note.startswith("no selector") for note in route.notes)
    (lane,) = route.lanes
    assert stage(lane, "endpoints").hops == (
        RouteHop(HopId("endpoint", "10.0.0.50:5432"), "10.0.0.50:5432", health="ok", note="ready"),
    )


def test_a_service_without_selector_or_endpoints_says_none_were_made() -> None:
    raw = service("external-db", spec={"ports": [{"protocol": "TCP", "port": 5432}]})
    endpoints = stage(only_lane(state_of(services=[raw]), "external-db"), "endpoints")
    assert endpoints.hops == ()
    assert not re.search(r"\b[1-9]\d* (ready|not)\b", endpoints.title)
    assert endpoints.note.startswith("no endpoints: none were made by hand")


def test_session_affinity_and_internal_traffic_policy_are_noted() -> None:
    spec = {"sessionAffinity": "ClientIP", "internalTrafficPolicy": "Local"}
    route = route_of(w2(spec=spec), W2)
    assert [note.split(":")[0] for note in route.notes] == ["sessionAffinity ClientIP"]
    assert stage(route.lanes[0], "cluster-ip").note.startswith("internalTrafficPolicy Local")


# -- endpoints ----------------------------------------------------------------------------------


def test_w7_multi_port_service_has_a_lane_per_port_matched_by_port_name() -> None:
    spec = {
        "ports": [
            {"name": "tcp-port", "port": 80, "targetPort": 8080, "protocol": "TCP"},
            {"name": "udp-port", "port": 53, "targetPort": 53, "protocol": "UDP"},
        ]
    }
    pod = running_pod("multi-a", labels={"app": "multi"}, ip="192.168.235.150")
    # The slice lists the ports in another order: lanes find theirs by name, not position.
    ports = [("udp-port", 53, "UDP"), ("tcp-port", 8080, "TCP")]
    slice_ = slice_with_ports(
        "multi-1", "multi-port-service", ports, [endpoint("192.168.235.150", "multi-a")]
    )
    raw = service("multi-port-service", selector={"app": "multi"}, spec=spec)
    route = route_of(
        state_of(services=[raw], pods=[pod], endpointslices=[slice_]), "multi-port-service"
    )
    tcp, udp = route.lanes
    assert "tcp-port 80/TCP" in tcp.title and tcp.title.endswith("targetPort 8080")
    assert "udp-port 53/UDP" in udp.title and udp.title.endswith("targetPort 53")
    assert addresses(stage(tcp, "endpoints")) == ["192.168.235.150:8080"]
    assert addresses(stage(udp, "endpoints")) == ["192.168.235.150:53"]
    assert stage(udp, "cluster-ip").hops[0].address == "10.106.104.217:53"


def test_a_named_target_port_breaks_for_a_pod_that_does_not_declare_it() -> None:
    labels = {"app": "web"}
    has = with_container_ports(
        running_pod("web-a", labels=labels, ip="192.168.235.160"),
        [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
    )
    lacks = running_pod("web-b", labels=labels, node="worker2", ip="192.168.189.90")
    slice_ = endpoint_slice(
        "web-1", "web", endpoints=[endpoint("192.168.235.160", "web-a")], port=8080
    )
    raw = service("web", selector=labels, spec={"ports": [{"port": 80, "targetPort": "http"}]})
    lane = only_lane(state_of(services=[raw], pods=[has, lacks], endpointslices=[slice_]), "web")
    endpoints = stage(lane, "endpoints")
    assert endpoints.title == "endpoints: 1 ready, 1 not"
    ok, broken = endpoints.hops
    assert ok == RouteHop(
        HopId("endpoint", "192.168.235.160:8080"),
        "192.168.235.160:8080",
        "web-a",
        "worker1",
        "ok",
        "ready",
    )
    assert (broken.key, broken.address, broken.name, broken.where, broken.health) == (
        HopId("pod", "web-b"),
        "192.168.189.90:http",
        "web-b",
        "worker2",
        "broken",
    )
    assert "'http'" in broken.note


@pytest.mark.parametrize(
    ("conds", "note"),
    [(NOT_READY, "not ready"), (TERMINATING, "terminating")],
    ids=["not-ready", "terminating"],
)
def test_an_endpoint_that_is_not_ready_or_terminating_is_idle(
    conds: dict[str, bool], note: str
) -> None:
    endpoints = stage(only_lane(w2(conds=[READY, conds])), "endpoints")
    assert endpoints.title == "endpoints: 1 ready, 1 not"
    ready, idle = endpoints.hops
    assert (ready.key, ready.health) == (EP_A, "ok")
    assert (idle.key, idle.name, idle.where, idle.health) == (
        EP_B,
        "hostname-server-b",
        "worker2",
        "idle",
    )
    assert idle.note.startswith(note)


def test_a_selected_pod_with_no_ip_yet_is_pending() -> None:
    state = w2()
    running = [running_pod(pod, labels=HOSTNAME, node=n, ip=ip) for pod, n, ip in W2_PODS]
    state.replace("pods", [*running, pending_pod("hostname-server-c", labels=HOSTNAME)])
    endpoints = stage(only_lane(state), "endpoints")
    assert endpoints.title == "endpoints: 2 ready, 1 not"
    assert [hop.key for hop in endpoints.hops] == [EP_A, EP_B, HopId("pod", "hostname-server-c")]
    assert endpoints.hops[-1] == RouteHop(
        HopId("pod", "hostname-server-c"),
        "<no IP yet>",
        "hostname-server-c",
        "worker1",
        "pending",
        "ContainerCreating: no IP yet",
    )


def test_w6_a_selector_that_matches_no_pods_leaves_no_endpoints() -> None:
    pods = [running_pod(f"my-deployment-5d8f9c-{x}", labels={"app": "my-app"}) for x in "abc"]
    raw = service("my-service", selector={"app": "my-app-2"})
    empty = endpoint_slice("my-service-q8f2n", "my-service")
    lane = only_lane(state_of(services=[raw], pods=pods, endpointslices=[empty]), "my-service")
    endpoints = stage(lane, "endpoints")
    assert endpoints.hops == ()
    assert not re.search(r"\b[1-9]\d* (ready|not)\b", endpoints.title)
    assert (
        endpoints.note
        == "no endpoints: selector app=my-app-2 matches no pods; connections are refused"
    )


@given(st.lists(st.sampled_from(["ready", "not-ready", "terminating"]), min_size=1, max_size=12))
def test_the_endpoints_title_counts_every_hop_and_keys_are_unique(states: list[str]) -> None:
    conds = {"ready": READY, "not-ready": NOT_READY, "terminating": TERMINATING}
    pods = [(f"p{i}", f"worker{i % 2 + 1}", f"10.244.0.{i + 1}") for i in range(len(states))]
    endpoints = stage(only_lane(w2(pods=pods, conds=[conds[s] for s in states])), "endpoints")
    ready = states.count("ready")
    others = len(states) - ready
    assert endpoints.title == f"endpoints: {ready} ready" + (f", {others} not" if others else "")
    keys = [hop.key for hop in endpoints.hops]
    assert len(set(keys)) == len(keys) == len(states)
    assert [hop.health for hop in endpoints.hops] == ["ok"] * ready + ["idle"] * others
    assert {hop.address for hop in endpoints.hops} == {f"{ip}:80" for _, _, ip in pods}


def test_an_ipv6_endpoint_is_bracketed_before_its_port() -> None:
    v6 = endpoint_slice("v6", W2, endpoints=[endpoint("fd00::1", "hostname-server-a")])
    v6["addressType"] = "IPv6"
    lane = only_lane(w2(pods=[("hostname-server-a", "worker1", "fd00::1")], endpointslices=[v6]))
    assert addresses(stage(lane, "endpoints")) == ["[fd00::1]:80"]
