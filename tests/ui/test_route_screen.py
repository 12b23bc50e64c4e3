"""`r` on a Service against the demo cluster: the route is drawn, and grows when pods are added."""

from __future__ import annotations

import asyncio
import json

from k9lite.demo.cluster import DemoCluster
from k9lite.ui.browser import Browser
from k9lite.ui.screens.text_screen import TextScreen
from k9lite.ui.widgets.route_panel import RoutePanel
from tests.conftest import Kubectl
from tests.ui.screen import screen_text
from tests.ui.test_app import SIZE, make_app, rows, until

SERVICE = "default/nodeport-hostname-service"


def drawn_endpoints(panel: RoutePanel) -> list[tuple[str, str]] | None:
    """(address, health) of the endpoints the panel drew, or None before it drew."""
    if panel.route is None:
        return None
    (lane,) = panel.route.lanes
    (endpoints,) = [s for s in lane.stages if s.kind == "endpoints"]
    return [(hop.address, hop.health) for hop in endpoints.hops]


def pod_addresses(kubectl: Kubectl, port: int) -> set[str]:
    pods = json.loads(kubectl("get", "pods", "-l", "app=hostname-server", "-o", "json"))["items"]
    return {f"{p['status']['podIP']}:{port}" for p in pods if p["status"].get("podIP")}


async def test_scaling_the_deployment_grows_the_drawn_route(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: rows(app).get(SERVICE), what="the NodePort Service")
        app.query_one(Browser).table.move_cursor(key=SERVICE)
        await pilot.press("r")
        panel = await until(
            lambda: isinstance(app.screen, TextScreen) and app.screen.query_one(RoutePanel),
            what="the route screen",
        )
        first = await until(lambda: drawn_endpoints(panel), what="the route's endpoints")
        assert {address for address, _ in first} == pod_addresses(kubectl, 80)
        await asyncio.to_thread(kubectl, "scale", "deployment", "hostname-server", "--replicas=3")
        grown = await until(
            lambda: (
                (e := drawn_endpoints(panel)) and len(e) == 3 and all(h == "ok" for _, h in e) and e
            ),
            what="3 ready endpoints drawn",
        )
        assert {address for address, _ in grown} == pod_addresses(kubectl, 80)
        (lane,) = panel.route.lanes  # type: ignore[union-attr]
        nodes = [s for s in lane.stages if s.kind == "node-port"][0]
        assert [hop.name for hop in nodes.hops] == ["master", "worker1", "worker2"]


async def test_route_of_a_service_drilled_into_and_nowhere_else(cluster: DemoCluster) -> None:
    app = make_app(cluster)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: rows(app), what="the pods")
        await pilot.press("r")
        await pilot.pause()
        assert "✗ route works on Services" in screen_text(app)
        assert not isinstance(app.screen, TextScreen)
        app.run_command("svc")
        await until(lambda: rows(app).get("default/svc-3"), what="svc-3")
        app.query_one(Browser).table.move_cursor(key="default/svc-3")
        await pilot.press("enter")
        await until(lambda: app.query_one(Browser).scope is not None, what="the drill-down")
        await pilot.press("r")
        panel = await until(
            lambda: isinstance(app.screen, TextScreen) and app.screen.query_one(RoutePanel),
            what="the route screen",
        )
        route = await until(lambda: panel.route, what="a drawn route")
        assert (route.name, route.kind) == ("svc-3", "LoadBalancer")
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, TextScreen), what="back to the table")
