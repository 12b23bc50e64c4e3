"""The route diagram as text: golden renderings at 80 and 120 columns, collapsing, widths.

The states are fixed (the demo's default scenario, and the tutorials' shapes built from raw
objects), so a rendering changes only when the drawing does: `pytest --snapshot-update` after
an intended change, then read the diff.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from syrupy.assertion import SnapshotAssertion

from k9lite.analysis.route_types import Route
from k9lite.analysis.routes import build_route
from k9lite.render.route import MARKS, RouteDiagram
from tests.analysis.builders import (
    NOT_READY,
    READY,
    TERMINATING,
    W2,
    ingress,
    node_port,
    route_of,
    slice_with_ports,
    state_of,
    w2,
    with_container_ports,
)
from tests.model.manifests import endpoint, node, running_pod, service
from tests.ui.cluster_fixture import feed

WIDTHS = (80, 120)
HOSTNAME = {"app": "hostname-server"}
W2_ONE = [("local-server-a", "worker1", "192.168.235.141")]
W2_PODS_3 = [
    ("hostname-server-a", "worker1", "192.168.235.140"),
    ("hostname-server-b", "worker2", "192.168.189.81"),
    ("hostname-server-c", "worker2", "192.168.189.82"),
]


def text_of(route: Route, width: int, **options: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    console.print(RouteDiagram(route, **options))
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


def demo_route(name: str) -> Route:
    state = feed().state
    found = state.get("services", "default", name)
    assert found is not None
    return build_route(state, found)


def shapes() -> dict[str, Route]:
    """W4, W5 pending, W7's shapes and a broken named port: what the default demo lacks."""
    local = w2(spec=node_port(30081, externalTrafficPolicy="Local"), pods=W2_ONE)
    pending = w2(spec=node_port(30090, type="LoadBalancer"))
    headless = w2(spec={"clusterIP": "None", "clusterIPs": ["None"]})
    external = state_of(
        services=[
            service(
                "external-service", spec={"type": "ExternalName", "externalName": "example.com"}
            )
        ]
    )
    web1 = w2(
        "web1",
        ingresses=[ingress("example-ingress", [("example.com", "/web1", "web1", 8080)])],
    )
    named_pods = [
        with_container_ports(running_pod(n, labels=HOSTNAME, node=node, ip=ip), ports)
        for (n, node, ip), ports in zip(
            W2_PODS_3,
            ([{"name": "http", "containerPort": 80}], [{"containerPort": 80}], []),
            strict=True,
        )
    ]
    named_endpoint = endpoint("192.168.235.140", "hostname-server-a", node="worker1", **READY)
    named = state_of(
        services=[
            service(W2, selector=HOSTNAME, spec={"ports": [{"port": 8080, "targetPort": "http"}]})
        ],
        pods=named_pods,
        endpointslices=[slice_with_ports("named", W2, [("", 80, "TCP")], [named_endpoint])],
    )
    return {
        "local": route_of(local, W2),
        "pending": route_of(pending, W2),
        "headless": route_of(headless, W2),
        "external-name": route_of(external, "external-service"),
        "ingress": route_of(web1, "web1"),
        "named-port": route_of(named, W2),
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "name",
    ["clusterip-hostname-service", "nodeport-hostname-service", "svc-3", "my-service"],
)
def test_demo_services(name: str, width: int, snapshot: SnapshotAssertion) -> None:
    assert text_of(demo_route(name), width) == snapshot


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "shape", ["local", "pending", "headless", "external-name", "ingress", "named-port"]
)
def test_service_shapes(shape: str, width: int, snapshot: SnapshotAssertion) -> None:
    assert text_of(shapes()[shape], width) == snapshot


def test_every_hop_id_is_unique_and_every_target_names_a_hop_of_its_lane() -> None:
    """The diagram writes a target as the address of the hop it names: a HopId that names no hop
    of the lane would be left out of "→ ..."; two hops with one id would be drawn as one."""
    demo = ["clusterip-hostname-service", "nodeport-hostname-service", "svc-3", "my-service"]
    routes = [*shapes().values(), *(demo_route(name) for name in demo)]
    targeted = 0
    for route in routes:
        for lane in route.lanes:
            ids = [hop.key for stage in lane.stages for hop in stage.hops]
            assert len(ids) == len(set(ids)), f"{route.name}: {ids}"
            for hop in (hop for stage in lane.stages for hop in stage.hops):
                missing = set(hop.targets or ()) - set(ids)
                assert not missing, f"{route.name} {hop.key}: {missing}"
                targeted += len(hop.targets or ())
    assert targeted, "no shape has a hop naming its targets: the check checked nothing"


@pytest.mark.parametrize("width", (60, 80, 120))
def test_no_line_is_wider_than_the_terminal(width: int) -> None:
    routes = [*shapes().values(), demo_route("nodeport-hostname-service")]
    for route in routes:
        for line in text_of(route, width).splitlines():
            assert len(line) <= width, f"{route.name} at {width}: {line!r}"


def test_many_endpoints_collapse_keeping_the_ones_in_trouble() -> None:
    pods = [(f"hostname-server-{n:02}", "worker1", f"192.168.235.{n}") for n in range(1, 21)]
    conds = [READY] * 17 + [NOT_READY, TERMINATING, READY]
    route = route_of(w2(pods=pods, conds=conds), W2)
    text = text_of(route, 80, max_hops=8)
    shown = [line for line in text.splitlines() if "hostname-server-" in line]
    assert len(shown) == 7
    assert any("192.168.235.18:80" in line and MARKS["idle"] in line for line in shown)
    assert any("192.168.235.19:80" in line for line in shown)
    assert "… and 13 more (13 ready)" in text


def test_many_nodes_under_local_policy_keep_the_ones_that_lead_to_a_pod() -> None:
    many = [(f"node{n:03}", f"172.30.2.{n}") for n in range(1, 41)]
    raw_nodes = [node(name, ip, labels={}) for name, ip in many]
    pods = [
        ("local-server-a", "node031", "192.168.31.5"),
        ("local-server-b", "node040", "192.168.40.5"),
    ]
    state = w2(spec=node_port(30081, externalTrafficPolicy="Local"), pods=pods, nodes=raw_nodes)
    text = text_of(route_of(state, W2), 80, max_hops=8)
    assert f"{MARKS['ok']} 172.30.2.31:30081  node031  → 192.168.31.5:80" in text
    assert f"{MARKS['ok']} 172.30.2.40:30081  node040  → 192.168.40.5:80" in text
    assert "… and 33 more (33 dropping)" in text
