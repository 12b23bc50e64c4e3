"""build_route: Ingress rules in front of a Service port."""

from __future__ import annotations

from typing import Any

import pytest

from k9lite.analysis.route_types import HopId, Route, RouteHop
from k9lite.model.state import ClusterState
from tests.analysis.builders import FRONT, ingress, kinds, only_lane, route_of, stage, state_of
from tests.model.manifests import ingress_manifest, service


def w7_ingress_state(*raws: dict[str, Any]) -> ClusterState:
    """web1 (port 80 by number) and web2 (port named http) behind their Ingress rules."""
    web2 = service("web2", selector={"app": "web2"}, spec={"ports": [{"name": "http", "port": 80}]})
    web1 = service("web1", selector={"app": "web1"}, spec={"ports": [{"port": 80}]})
    return state_of(services=[web1, web2], ingresses=list(raws))


def shows_path_type(hop: RouteHop, path_type: str) -> bool:
    return path_type in hop.name or path_type in hop.note


def test_w7_an_ingress_rule_by_port_number_comes_first() -> None:
    rules = [("example.com", "/web1", "web1", 80), ("example.com", "/web2", "web2", 80)]
    lane = only_lane(w7_ingress_state(ingress("example-ingress", rules)), "web1")
    assert kinds(lane) == ["ingress", "cluster-ip", "endpoints"]
    rules_stage = stage(lane, "ingress")
    assert rules_stage.actor == "ingress controller (nginx)"
    assert rules_stage.reach == "from outside, over HTTP"
    assert rules_stage.entries == ("an HTTP client outside the cluster",)
    (hop,) = rules_stage.hops
    assert (hop.key, hop.address, hop.health, hop.targets) == (
        HopId("ingress", "example-ingress", "example.com/web1"),
        "example.com/web1",
        "ok",
        FRONT,
    )
    assert "example-ingress" in hop.name and shows_path_type(hop, "Prefix")


def test_w8_an_ingress_rule_by_port_name_and_its_address() -> None:
    # ingress_manifest: /web1 -> web1:80, /web2 -> web2:http, a Bucket as default backend.
    lane = only_lane(w7_ingress_state(ingress_manifest()), "web2")
    rules_stage = stage(lane, "ingress")
    (hop,) = rules_stage.hops
    assert (hop.key, hop.address, hop.targets) == (
        HopId("ingress", "web", "example.com/web2"),
        "example.com/web2",
        FRONT,
    )
    assert shows_path_type(hop, "Exact")
    assert rules_stage.actor == "ingress controller (nginx)"  # from the class annotation
    assert rules_stage.reach == "from outside, at 203.0.113.7"


def test_an_ingress_default_backend_and_a_rule_without_host() -> None:
    raw = ingress("catch-all", [("", "", "web1", 80)], class_name=None, default=("web1", 80))
    (lane,) = route_of_web1(raw).lanes
    rules_stage = stage(lane, "ingress")
    assert rules_stage.actor == "ingress controller"
    assert [(h.key, h.address, h.targets) for h in rules_stage.hops] == [
        (HopId("ingress", "catch-all"), "* (default backend)", FRONT),
        (HopId("ingress", "catch-all", "*/"), "*/", FRONT),
    ]


def route_of_web1(*raws: dict[str, Any]) -> Route:
    return route_of(w7_ingress_state(*raws), "web1")


@pytest.mark.parametrize(
    "rule",
    [
        ("example.com", "/x", "web2", 80),
        ("example.com", "/x", "web1", 8080),
        ("example.com", "/x", "web1", "http"),
    ],
    ids=["other-service", "other-port-number", "other-port-name"],
)
def test_an_ingress_rule_for_another_service_or_port_is_not_drawn(
    rule: tuple[str, str, str, int | str],
) -> None:
    lane = only_lane(w7_ingress_state(ingress("other", [rule])), "web1")
    assert kinds(lane) == ["cluster-ip", "endpoints"]


def test_the_ingress_reach_lists_only_the_ingresses_that_route_here() -> None:
    ours = ingress("ours", [("a.example.com", "/", "web1", 80)], lb_ip="203.0.113.7")
    theirs = ingress(
        "theirs", [("b.example.com", "/", "web2", 80)], class_name="traefik", lb_ip="198.51.100.9"
    )
    lane = only_lane(w7_ingress_state(ours, theirs), "web1")
    assert stage(lane, "ingress").reach == "from outside, at 203.0.113.7"
