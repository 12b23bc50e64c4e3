"""`l` at 80x24 against the demo cluster: a Service's pods' access lines, live, each prefixed
by its pod; `f` pauses; a pod deleted leaves and its replacement joins.

Requests go to the Service's ClusterIP from a thread (a curl loop), so the demo's pods log
what they answered; the waits are bounded conditions on the screen, never pauses.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from textual.pilot import Pilot

from k9lite.demo.cluster import DemoCluster
from k9lite.render.logs import short_names
from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.screens.logs import LogsScreen
from k9lite.ui.screens.pick import PickScreen
from tests.conftest import Kubectl, running_pods
from tests.demo.test_pod_log import TWO_CONTAINERS
from tests.ui.screen import screen_lines, screen_text
from tests.ui.test_app import make_app, rows, until
from tests.ui.test_traffic_screen import press_on_service

SERVICE = "clusterip-hostname-service"
SMALL = (80, 24)


@contextmanager
def curl_loop(app: K9liteApp) -> Iterator[None]:
    """GET the Service's ClusterIP every 50 ms, a new connection each, until the block ends."""
    service = app.feed.state.get("services", "default", SERVICE)
    assert service is not None
    ip = service.cluster_ip
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(0.05):
            httpx.get(f"http://{ip}:8080/t", timeout=5)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(10)


def log_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("log ")]


async def open_logs(app: K9liteApp, pilot: Pilot[None]) -> LogsScreen:
    return await press_on_service(app, pilot, SERVICE, "l", LogsScreen)


def access_lines(app: K9liteApp, prefix: str) -> list[str]:
    """The lines on screen of the pod `prefix` names that log a request of the curl loop."""
    return [
        line
        for line in screen_lines(app)
        if line.lstrip("│ ").startswith(f"{prefix} ") and '"GET /t HTTP/1.1" 200' in line
    ]


async def test_a_service_s_pods_answer_live_then_f_pauses(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    app = make_app(cluster, start_view="svc")
    pods = running_pods(cluster, "hostname-server-")
    shorts = short_names(pods)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_logs(app, pilot)
        with curl_loop(app):
            for pod in pods:
                await until(
                    lambda pod=pod: access_lines(app, shorts[pod]),  # type: ignore[misc]
                    timeout=15,
                    what=f"{pod}'s access lines, prefixed {shorts[pod]}",
                )
            assert "● following" in screen_lines(app)[1]
            assert "2 pods followed" in screen_lines(app)[1]

            await pilot.press("f")
            shown = screen_lines(app)[2:-3]
            assert "‖ paused" in screen_lines(app)[1]
            await until(lambda: screen.unseen >= 3, timeout=10, what="3 lines while paused")
            assert screen_lines(app)[2:-3] == shown, "paused, yet the view moved"
            assert f"‖ paused ({screen.unseen:,} new)" in screen_lines(app)[1]
            await pilot.press("f")
            assert "● following" in screen_lines(app)[1]
            assert screen_lines(app)[2:-3] != shown, "following again shows the new lines"
    assert screen.logs.pods() == frozenset(), "quitting the app stops the streams"
    assert not log_threads(), "and their threads"


async def test_a_deleted_pod_leaves_and_its_replacement_joins(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    app = make_app(cluster, start_view="svc", readonly=True)
    before = running_pods(cluster, "hostname-server-")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_logs(app, pilot)
        await until(lambda: screen.logs.pods() == set(before), what="both pods followed")
        kubectl("delete", "pod", before[0], "--wait=false")

        def replacement() -> str | None:
            now = set(running_pods(cluster, "hostname-server-")) - set(before)
            return next(iter(now), None)

        new = await until(replacement, timeout=15, what="the replacement pod")
        shorts = short_names([*before, new])

        def said(prefix: str, words: str) -> bool:
            return any(
                line.lstrip("│ ").startswith(f"{prefix} ") and words in line
                for line in screen_lines(app)
            )

        await until(lambda: said(shorts[before[0]], "← left"), timeout=10, what="the pod left")
        await until(lambda: said(shorts[new], "→ joined"), timeout=10, what="the new one joins")
        # Its stream may have ended before the pod left the state, or been stopped then: once.
        notes = [line.text for line in screen.buffer if line.pod == before[0] and line.note]
        assert notes in (["← left"], ["— log ended", "← left"]), notes
        await until(
            lambda: said(shorts[new], "Listening on :80"), timeout=10, what="its start line"
        )
        await until(
            lambda: screen.logs.pods() == {before[1], new}, timeout=10, what="the two followed"
        )
        assert "2 pods followed" in screen_lines(app)[1]
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, LogsScreen), what="back")
        assert screen.logs.pods() == frozenset(), "the streams stop with the screen"
        assert not log_threads(), "and their threads"


async def test_a_pod_of_two_containers_then_a_refusal_shown_as_a_line(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    kubectl("apply", "-f", "-", stdin=TWO_CONTAINERS)
    app = make_app(cluster, start_view="pods")
    async with app.run_test(size=SMALL) as pilot:
        await until(lambda: "Running" in rows(app).get("default/two", ()), what="pod two running")
        app.query_one(Browser).table.move_cursor(key="default/two")
        await pilot.press("l")
        screen = await until(
            lambda: app.screen if isinstance(app.screen, LogsScreen) else None, what="the logs"
        )
        await until(lambda: "Listening on :80" in screen_text(app), what="front's start line")

        await pilot.press("c")
        picker = await until(
            lambda: app.screen if isinstance(app.screen, PickScreen) else None, what="the picker"
        )
        assert picker.names == ["front", "back"] and picker.current == "front"
        await pilot.press("down", "enter")
        await until(lambda: "Listening on :8080" in screen_text(app), what="back's start line")
        assert "Listening on :80\n" not in screen_text(app) + "\n", "front's lines are gone"
        assert "container back" in screen_lines(app)[1]

        await pilot.press("p")
        await until(
            lambda: (
                '✗ previous terminated container "back" in pod "two" not found' in screen_text(app)
            ),
            what="the refusal, as a line",
        )
        assert "previous" in screen_lines(app)[1]
        assert screen.logs.pods() == frozenset()
