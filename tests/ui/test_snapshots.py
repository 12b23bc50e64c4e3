"""Snapshots of every view, the describe screen and filters, on fixed objects and a fixed clock.

No cluster and no watch: the feed holds the demo's default scenario (tests/ui/cluster_fixture.py)
and `now` is fixed, so the screens are the same on every run. Update them with
`pytest tests/ui/test_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

import pytest
from textual.pilot import Pilot

from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.navigator import AppOptions
from k9lite.ui.screens.text_screen import TextScreen
from tests.ui import cluster_fixture
from tests.ui.fixed_logs import FixedLogs

SnapCompare = Callable[..., bool]
SMALL = (80, 24)
LARGE = (120, 35)
SIZES = [pytest.param(SMALL, id="80x24"), pytest.param(LARGE, id="120x35")]
# kubectl's rows for each view of the default scenario: pods 7, Services 5...
ROWS = {"pods": 7, "deploy": 3, "svc": 5, "no": 3, "ns": 4}


def make_app(start_view: str, *, readonly: bool = False) -> K9liteApp:
    options = AppOptions(
        cluster_fixture.connection(),
        "default",
        readonly=readonly,
        start_view=start_view,
        watch=False,
        clock=lambda: cluster_fixture.NOW,
        events=cluster_fixture.events,
        logs=FixedLogs,
    )
    app = K9liteApp(options, session=cluster_fixture.session())
    # Textual animates scrolling unless told not to; the Input's cursor blinks only in the
    # prompt, which is closed in every snapshot.
    app.animation_level = "none"
    return app


def loaded(rows: int, *, then: Iterable[str] = ()) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Before the screenshot: draw the rows from the feed now (not on a timer), then press keys."""

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, K9liteApp)
        app.refresh_state()
        table = app.query_one(Browser).table
        assert table.loaded and table.visible_count == rows
        await pilot.press(*then)

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", list(ROWS))
def test_view(snap_compare: SnapCompare, view: str, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(view), terminal_size=size, run_before=loaded(ROWS[view]))


@pytest.mark.parametrize("size", SIZES)
def test_describe_w2_service(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = make_app("svc")

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(ROWS["svc"])(pilot)
        app.query_one(Browser).table.move_cursor(key="default/clusterip-hostname-service")
        await pilot.press("d")
        assert isinstance(app.screen, TextScreen)
        assert app.screen.text_title == "describe services/clusterip-hostname-service"

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_services_filtered_by_text(snap_compare: SnapCompare) -> None:
    app = make_app("svc")
    keys = ["/", *"hostname", "enter"]

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(ROWS["svc"], then=keys)(pilot)
        assert app.query_one(Browser).table.visible_count == 2

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_pods_filtered_by_label(snap_compare: SnapCompare) -> None:
    app = make_app("pods")
    keys = ["/", *"-l app=hostname-server", "enter"]

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(ROWS["pods"], then=keys)(pilot)
        assert app.query_one(Browser).table.visible_count == 2

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_service_drill_down(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """Enter on svc-3 (the LoadBalancer): the pods it selects, with their IPs and nodes."""
    app = make_app("svc")

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(ROWS["svc"])(pilot)
        app.query_one(Browser).table.move_cursor(key="default/svc-3")
        await pilot.press("enter")
        assert app.query_one(Browser).table.visible_count == 2

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_typing_a_command(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`:sv` typed, not yet entered: the prompt shows it, with the completion greyed after."""
    assert snap_compare(
        make_app("pods"), terminal_size=size, run_before=loaded(ROWS["pods"], then=":sv")
    )


@pytest.mark.parametrize("size", SIZES)
def test_an_error_message(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    keys = [":", *"nosuchkind", "enter"]
    assert snap_compare(make_app("pods"), terminal_size=size, run_before=loaded(7, then=keys))


@pytest.mark.parametrize("size", SIZES)
def test_a_result_message(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = make_app("deploy")

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(ROWS["deploy"])(pilot)
        app.show_message("scaled deployment/hostname-server to 3")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_the_scale_dialog(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """A modal over the Deployments: what is asked, and the count being typed."""
    keys = ["s", "ctrl+u", "4"]
    assert snap_compare(make_app("deploy"), terminal_size=size, run_before=loaded(3, then=keys))


@pytest.mark.parametrize("size", SIZES)
def test_describe_a_pod_ends_with_its_events(
    snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    app = make_app("pods")

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(ROWS["pods"], then=["d"])(pilot)
        await pilot.pause()
        await pilot.press("end")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_route_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    """`r` on svc-3: its load balancer, every node's NodePort, the ClusterIP, the pods."""
    app = make_app("svc")

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(ROWS["svc"])(pilot)
        app.query_one(Browser).table.move_cursor(key="default/svc-3")
        await pilot.press("r")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_traffic_screen(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = make_app("svc")

    async def run_before(pilot: Pilot[None]) -> None:
        await loaded(ROWS["svc"])(pilot)
        app.query_one(Browser).table.move_cursor(key="default/nodeport-hostname-service")
        await pilot.press("t")

    assert snap_compare(app, terminal_size=size, run_before=run_before)
