"""Not allowed to know is not none: the route and the doctor with a kind the user may not list."""

from __future__ import annotations

from k9lite.analysis.doctor import diagnose, worst
from k9lite.analysis.routes import build_route
from tests.analysis.builders import W2, kinds, node_port, only_lane, stage, w2

FORBIDDEN = (
    'endpointslices.discovery.k8s.io is forbidden: User "viewer" cannot list resource '
    '"endpointslices" in API group "discovery.k8s.io" in the namespace "default"'
)


def test_unknown_endpoints_are_drawn_unknown_not_missing() -> None:
    state = w2()
    state.mark_unknown("endpointslices", FORBIDDEN)
    lane = only_lane(state)
    endpoints = stage(lane, "endpoints")
    assert endpoints.title == "endpoints: unknown"
    assert {hop.health for hop in endpoints.hops} == {"unknown"}
    assert len(endpoints.hops) == 2, "the two selected pods, each unknown"
    assert "may not list endpointslices" in endpoints.note
    assert "cluster-ip" in kinds(lane)


def test_unknown_nodes_leave_every_node_port_unknown() -> None:
    state = w2(spec=node_port(30080), with_nodes=False)
    state.mark_unknown("nodes", 'nodes is forbidden: User "viewer" cannot list resource "nodes"')
    hops = stage(only_lane(state), "node-port").hops
    assert [(hop.address, hop.health) for hop in hops] == [("<every node>:30080", "unknown")]


def test_the_doctor_says_what_it_could_not_check() -> None:
    state = w2()
    service = state.get("services", "default", W2)
    assert service is not None
    assert worst(diagnose(state, service)) in (None, "info", "warning")
    state.mark_unknown("endpointslices", FORBIDDEN)
    findings = diagnose(state, service)
    assert worst(findings) == "unknown"
    (blind,) = [f for f in findings if f.check == "could-not-check"]
    assert "endpointslices" in blind.title and blind.evidence == (FORBIDDEN,)
    assert build_route(state, service).lanes, "the route is still drawn"
