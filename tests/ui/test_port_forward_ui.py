"""Port-forwards in the TUI against the live demo: shift+f on a Service asks LOCAL:REMOTE,
the forward answers on 127.0.0.1 with a pod's page, the traffic screen's `u` offers its URL,
and `:pf` lists it and stops it (ctrl+d), after which the local port refuses."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from textual.widgets import Input

from k9lite.demo.cluster import DemoCluster
from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.forwards import ForwardsScreen
from k9lite.ui.screens.ask import AskScreen
from k9lite.ui.screens.traffic import TrafficScreen
from tests.ui.screen import screen_text
from tests.ui.test_app import make_app, rows, until

SMALL = (80, 24)
SERVICE = "default/clusterip-hostname-service"


def get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=5.0)


async def on_the_service(app: K9liteApp) -> None:
    """The cursor on the Service, once the app knows it and a running pod of it."""
    await until(lambda: SERVICE in rows(app), what="the Service")

    def running() -> bool:
        service = app.feed.state.get("services", *SERVICE.split("/"))
        pods = app.feed.state.pods_selected_by(service) if service else []
        return any(p.phase == "Running" for p in pods)

    await until(running, what="a running pod of the Service")
    app.query_one(Browser).table.move_cursor(key=SERVICE)


async def test_a_forward_to_a_service_answers_is_listed_and_stopped(cluster: DemoCluster) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SMALL) as pilot:
        await on_the_service(app)
        await pilot.press("F")
        await until(lambda: isinstance(app.screen, AskScreen), what="the question")
        assert app.screen.query_one(Input).value == "8080:8080"  # the Service's port, offered
        await pilot.press("ctrl+u", *"0:8080", "enter")  # 0: any free local port
        forward = await until(
            lambda: next(iter(app.forwarder.forwards), None), timeout=10, what="the forward"
        )
        said = f"✓ forwarding {forward.address} to svc/clusterip-hostname-service:8080"
        await until(lambda: said in screen_text(app), what=f"{said!r} on the message line")
        # kubectl's choice: a running pod of the Service, at the targetPort (80).
        assert forward.target.pod.startswith("hostname-server-") and forward.target.port == 80
        answer = await asyncio.to_thread(get, f"http://{forward.address}/")
        assert answer.status_code == 200
        assert f"Hello,  {forward.target.pod}" in answer.text, answer.text
        assert forward.served == 1 and forward.error == "", (forward.served, forward.error)

        await pilot.press("t")
        await until(lambda: isinstance(app.screen, TrafficScreen), what="the traffic screen")
        await pilot.press("u")
        await until(lambda: isinstance(app.screen, AskScreen), what="the URL question")
        assert app.screen.query_one(Input).value == f"http://{forward.address}/"
        await pilot.press("escape")
        await until(lambda: isinstance(app.screen, TrafficScreen), what="back to traffic")
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, TrafficScreen), what="the Services")

        app.run_command("pf")
        await until(lambda: isinstance(app.screen, ForwardsScreen), what="the :pf list")
        await until(lambda: forward.address in screen_text(app), what="the forward listed")
        assert f"pod/{forward.target.pod}:80" in screen_text(app), screen_text(app)
        await pilot.press("ctrl+d")
        await until(lambda: not app.forwarder.forwards, what="the forward stopped")
        await until(lambda: "None yet" in screen_text(app), what="the empty list")
        with pytest.raises(httpx.ConnectError):
            await asyncio.to_thread(get, f"http://{forward.address}/")


async def test_a_port_taken_locally_is_said_and_nothing_starts(cluster: DemoCluster) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SMALL) as pilot:
        await on_the_service(app)
        taken = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = taken.sockets[0].getsockname()[1]
        try:
            await pilot.press("F")
            await until(lambda: isinstance(app.screen, AskScreen), what="the question")
            await pilot.press("ctrl+u", *f"{port}:8080", "enter")
            said = f"✗ cannot listen on 127.0.0.1:{port}"
            await until(lambda: said in screen_text(app), what=f"{said!r}")
            assert app.forwarder.forwards == []
        finally:
            taken.close()


async def test_a_service_with_no_pod_to_go_to_is_said_before_asking(cluster: DemoCluster) -> None:
    """kubectl port-forward svc/kubernetes refuses a Service without a selector: so does F,
    before it asks for ports that could not be used."""
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SMALL) as pilot:
        await until(lambda: "default/kubernetes" in rows(app), what="the kubernetes Service")
        app.query_one(Browser).table.move_cursor(key="default/kubernetes")
        await pilot.press("F")
        said = "✗ Service kubernetes has no selector: no pod to forward to"
        await until(lambda: said in screen_text(app), what=f"{said!r}")
        assert not isinstance(app.screen, AskScreen) and app.forwarder.forwards == []
