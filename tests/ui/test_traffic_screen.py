"""`t` on a Service against the demo cluster: runs, a second run beside the first, Esc.

The probe runs in the app's loop through the API server's service proxy (the screen's default
way in); the waits are bounded `until` conditions on the screen's own state, never pauses.
"""

from __future__ import annotations

import asyncio
from typing import TypeVar

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from k9lite.analysis.stats import Summary
from k9lite.demo.cluster import DemoCluster
from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.screens.ask import AskScreen
from k9lite.ui.screens.traffic import TrafficScreen
from tests.conftest import Kubectl
from tests.traffic.test_probe_demo import answered, listed_pods, ready_pods
from tests.ui.test_app import SIZE, make_app, rows, until

SERVICE = "nodeport-hostname-service"
S = TypeVar("S", bound=Screen[None])


async def press_on_service(
    app: K9liteApp, pilot: Pilot[None], service: str, key: str, opens: type[S]
) -> S:
    """Select `service` in :svc and press `key`, once its 2 pods are ready; the screen opened."""
    await until(lambda: rows(app).get(f"default/{service}"), what=f"the Service {service}")

    def two_ready_and_listed() -> bool:
        # The slices (the route's ready pods) and the pods are separate watches: a pod created
        # just before the app listed may be in the slices before its own watch event is in.
        state = app.feed.state
        found = state.get("services", "default", service)
        listed = {p.meta.name for p in state.pods_selected_by(found)} if found else set()
        ready = ready_pods(state, service)
        return len(ready) == 2 and ready <= listed

    await until(two_ready_and_listed, what="its 2 ready pods, in the pods' state too")
    app.query_one(Browser).table.move_cursor(key=f"default/{service}")
    await pilot.press(key)
    return await until(
        lambda: app.screen if isinstance(app.screen, opens) else None, what=f"{opens.__name__}"
    )


async def open_traffic(app: K9liteApp, pilot: Pilot[None]) -> TrafficScreen:
    """The NodePort Service's traffic screen."""
    return await press_on_service(app, pilot, SERVICE, "t", TrafficScreen)


_KEYS = {"count": "c", "concurrency": "C", "interval": "i"}


async def type_into(pilot: Pilot[None], screen: TrafficScreen, field: str, text: str) -> None:
    """Change a setting as a user would: its key, the value typed over the old one, Enter."""
    app = pilot.app
    await pilot.press(_KEYS[field])
    await until(lambda: isinstance(app.screen, AskScreen), what=f"the question for {field}")
    await pilot.press("ctrl+u", *text, "enter")
    await until(lambda: app.screen is screen, what=f"{field} kept")
    assert str(getattr(screen.settings, field)) == text, f"{field} is {screen.settings}"


async def finished(screen: TrafficScreen, count: int, timeout: float = 30.0) -> Summary:
    """The current run's summary once it has sent `count` requests and stopped."""

    def done() -> Summary | None:
        current = screen.current
        if current is None or screen.running or current.tally.sent != count:
            return None
        return current.tally.summary()

    return await until(done, timeout=timeout, what=f"a run of {count} requests to end")


async def test_two_runs_show_before_and_after_scaling(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_traffic(app, pilot)
        assert not screen.query_one("#run-before").display
        await type_into(pilot, screen, "count", "200")
        await pilot.press("enter")
        first = await finished(screen, 200)
        pods = await asyncio.to_thread(listed_pods, kubectl)
        assert (first.answered, first.failed) == (200, 0), first.errors
        assert set(answered(first)) == set(pods), f"answered {answered(first)}"
        assert not screen.query_one("#run-before").display

        await asyncio.to_thread(kubectl, "scale", "deployment", "hostname-server", "--replicas=3")
        await until(
            lambda: len(ready_pods(app.feed.state, SERVICE)) == 3,
            timeout=10,
            what="3 ready pods in the app's state",
        )
        await pilot.press("enter")
        second = await finished(screen, 200)
        pods = await asyncio.to_thread(listed_pods, kubectl)
        assert len(pods) == 3, pods
        assert screen.query_one("#run-before", Static).display
        assert screen.previous is not None
        assert answered(screen.previous.tally.summary()) == answered(first)
        assert (second.answered, second.failed) == (200, 0), second.errors
        assert set(answered(second)) == set(pods), f"answered {answered(second)}"
        assert {p.pod: p.expected for p in second.pods} == dict.fromkeys(pods, 1 / 3)
        status = screen.query_one("#traffic-status", Static)
        await until(
            lambda: "done: 200 of 200 sent" in str(status.render()), what="the status: done"
        )

        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, TrafficScreen), what="the screen gone")
        assert rows(app).get(f"default/{SERVICE}"), "back on :svc"


async def test_scaling_during_a_run_brings_the_new_pods_in(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_traffic(app, pilot)
        before = set(await asyncio.to_thread(listed_pods, kubectl))
        for field, text in (("count", "600"), ("concurrency", "2"), ("interval", "0.01")):
            await type_into(pilot, screen, field, text)
        await pilot.press("enter")
        await until(
            lambda: screen.current is not None and screen.current.tally.sent >= 100,
            timeout=10,
            what="100 replies",
        )
        assert screen.running, "the run ended before the scale: too fast to test"
        await asyncio.to_thread(kubectl, "scale", "deployment", "hostname-server", "--replicas=4")
        summary = await finished(screen, 600)
        pods = await asyncio.to_thread(listed_pods, kubectl)
        new = set(pods) - before
        assert len(pods) == 4 and len(new) == 2, pods
        counts = answered(summary)
        assert set(counts) == set(pods), f"answered {counts}"
        assert all(counts[pod] > 0 for pod in new), f"new pods {sorted(new)}: {counts}"
        # The screen follows the endpoints as it redraws: each of the 4 pods expects 25%.
        await until(
            lambda: (
                {p.pod: p.expected for p in screen.current.tally.summary().pods}  # type: ignore[union-attr]
                == dict.fromkeys(pods, 0.25)
            ),
            what="25% expected of each of the 4 pods",
        )


async def test_escape_stops_a_long_run_at_once(cluster: DemoCluster) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_traffic(app, pilot)
        await type_into(pilot, screen, "count", "100000")
        await type_into(pilot, screen, "interval", "0.05")
        await pilot.press("enter")
        await until(
            lambda: screen.current is not None and screen.current.tally.sent >= 3,
            what="the run to be under way",
        )
        await pilot.press("escape")
        await until(lambda: not screen.running, timeout=2, what="the run to stop within 2 s")
        assert screen.current is not None
        sent = screen.current.probe.sent
        assert sent < 200, f"{sent} of 100,000 sent after Esc"
        assert screen.current.tally.sent <= sent
        assert app.screen is screen, "Esc during a run stops it, it does not leave"
        status = screen.query_one("#traffic-status", Static)
        await until(lambda: "done:" in str(status.render()), what="the status: done")
        assert screen.current.probe.sent == sent, "requests were sent after the stop"
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, TrafficScreen), what="the screen gone")
