"""The traffic screen by keyboard alone, at 80x24, against the demo cluster (issue 14).

Every way in is chosen with `v`, the node with `n`, and `K` runs the same count kept-alive and
with a new connection each: kube-proxy spreads connections, not requests (one kept-alive
connection through one node's NodePort stays on one pod). What is asserted is read off the
screen and the runs' tallies, never off the settings alone.
"""

from __future__ import annotations

import asyncio

import pytest

from k9lite.demo.cluster import DemoCluster
from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.screens.traffic import TrafficScreen
from tests.conftest import Kubectl
from tests.traffic.test_probe_demo import answered, listed_pods, ready_pods
from tests.ui.screen import screen_text
from tests.ui.test_app import make_app, rows, until
from tests.ui.test_traffic_screen import finished, type_into

SMALL = (80, 24)


def words(app: K9liteApp) -> str:
    """The screen's text with the frame and line breaks gone: a wrapped line reads whole."""
    return " ".join(screen_text(app).replace("│", " ").split())


async def open_on(app: K9liteApp, pilot: object, service: str, pods: int) -> TrafficScreen:
    await until(lambda: rows(app).get(f"default/{service}"), what=service)
    await until(
        lambda: len(ready_pods(app.feed.state, service)) == pods, timeout=10, what="ready pods"
    )
    app.query_one(Browser).table.move_cursor(key=f"default/{service}")
    await pilot.press("t")  # type: ignore[attr-defined]
    return await until(
        lambda: app.screen if isinstance(app.screen, TrafficScreen) else None,
        what="the traffic screen",
    )


async def press_until(pilot: object, key: str, condition: object, what: str) -> None:
    """Press `key` until `condition()` holds, at most 8 times."""
    for _ in range(8):
        if condition():  # type: ignore[operator]
            return
        await pilot.press(key)  # type: ignore[attr-defined]
        await pilot.pause()  # type: ignore[attr-defined]
    raise AssertionError(f"{key} never gave {what}")


@pytest.mark.parametrize(
    ("service", "via", "selector"),
    [
        ("nodeport-hostname-service", "nodeport", "app=hostname-server"),
        ("svc-3", "loadbalancer", "app=pod"),
        ("clusterip-hostname-service", "clusterip", "app=hostname-server"),
    ],
)
async def test_v_chooses_the_way_in_and_both_pods_answer(
    cluster: DemoCluster, kubectl: Kubectl, service: str, via: str, selector: str
) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_on(app, pilot, service, 2)
        await press_until(pilot, "v", lambda: screen.settings.via == via, f"--via {via}")
        assert f"--via {via}" in words(app), "the settings line reads as the command"
        await type_into(pilot, screen, "count", "100")
        await pilot.press("space")
        summary = await finished(screen, 100)
        pods = await asyncio.to_thread(listed_pods, kubectl, selector)
        assert (summary.answered, summary.failed) == (100, 0), summary.errors
        assert set(answered(summary)) == set(pods), answered(summary)
        assert len(set(pods.values())) == 2, f"two pods on two nodes: {pods}"
        text = screen_text(app)
        for pod, node in pods.items():
            line = next((row for row in text.splitlines() if node in row and "%" in row), "")
            assert line, f"no bar for {pod} on {node}:\n{text}"
        assert "100 answered" in text


async def test_K_shows_keep_alive_pinned_and_new_connections_spread(cluster: DemoCluster) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_on(app, pilot, "nodeport-hostname-service", 2)
        await press_until(pilot, "v", lambda: screen.settings.via == "nodeport", "nodeport")
        await press_until(pilot, "n", lambda: screen.settings.node == "worker1", "worker1")
        assert "--node worker1" in words(app)
        await type_into(pilot, screen, "count", "60")
        await pilot.press("K")
        await until(
            lambda: (
                screen.previous is not None
                and screen.current is not None
                and not screen.current.request.options.keepalive
                and not screen.running
                and screen.current.tally.sent == 60
            ),
            timeout=30,
            what="the keep-alive run, then the new-connection run",
        )
        assert screen.previous is not None and screen.current is not None
        kept = answered(screen.previous.tally.summary())
        spread = answered(screen.current.tally.summary())
        assert screen.previous.request.options.keepalive
        assert len(kept) == 1, f"one kept-alive connection stays on one pod: {kept}"
        assert len(spread) == 2, f"new connections reach both pods: {spread}"
        assert "keep-alive" in words(app) and "a new connection each" in words(app)


async def test_z_leaves_only_the_bars_and_the_totals(cluster: DemoCluster) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_on(app, pilot, "clusterip-hostname-service", 2)
        await type_into(pilot, screen, "count", "20")
        await pilot.press("space")
        await finished(screen, 20)
        await pilot.press("z")
        await pilot.pause()
        text = screen_text(app)
        assert "20 answered" in text and "k9lite probe" not in text and "Space start" not in text
        await pilot.press("z")
        await pilot.pause()
        assert "k9lite probe" in screen_text(app)
