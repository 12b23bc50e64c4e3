"""`k9lite tour` in the app: the default tour from start to end by pressing `n` only, at 80x24,
against a real demo cluster (its manifests applied through the API), with no error on screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from k9lite.demo.cluster import DemoCluster
from k9lite.kube.config import load_connection
from k9lite.tours.script import Tour, load_tour
from k9lite.ui.navigator import AppOptions
from k9lite.ui.screens.text_screen import TextScreen
from k9lite.ui.screens.traffic import TrafficScreen
from k9lite.ui.tour import TourApp
from tests.conftest import FAST
from tests.ui.screen import screen_text
from tests.ui.test_app import until

SMALL = (80, 24)
# A step waits for pods to start and endpoints to follow: bounded, with room on a busy machine.
STEP_TIMEOUT = 25.0


@pytest.fixture
def tour() -> Tour:
    return load_tour()


@pytest.fixture
def tour_cluster(tour: Tour) -> Iterator[DemoCluster]:
    with DemoCluster(replace(FAST, scenarios=tour.scenarios)) as demo:
        yield demo


def tour_app(cluster: DemoCluster, tour: Tour, **options: object) -> TourApp:
    connection = load_connection(str(cluster.kubeconfig_path))
    app = TourApp(AppOptions(connection, "default"), tour, **options)  # type: ignore[arg-type]
    app.animation_level = "none"
    return app


async def test_n_alone_walks_the_tour_to_its_end(tour_cluster: DemoCluster, tour: Tour) -> None:
    app = tour_app(tour_cluster, tour)
    async with app.run_test(size=SMALL) as pilot:
        for index, step in enumerate(tour.steps):
            if index:
                await pilot.press("n")
            await until(
                lambda i=index: app.step_index == i and app.step_ready,
                timeout=STEP_TIMEOUT,
                what=f"step {index + 1} ({step.title}) on screen",
            )
            await until(lambda s=step: s.title in screen_text(app), what=f"{step.title} shown")
            text = screen_text(app)
            # The message line (the doctor's own ✗ findings are the lesson of a step).
            assert app.flash.level != "error", f"an error at step {index + 1}:\n{text}"
            if step.open == "traffic":
                screen = app.screen
                assert isinstance(screen, TrafficScreen)
                await until(lambda s=screen: s.current is not None and not s.running,
                            timeout=STEP_TIMEOUT, what="the tour's probe to finish")  # fmt: skip
                summary = screen.current.tally.summary()
                answering = [p.pod for p in summary.pods if p.count]
                assert len(answering) == 2 and summary.failed == 0, summary  # both pods answer
            elif step.open is not None:
                assert isinstance(app.screen, TextScreen)
                assert step.select in app.screen.text_title
            if step.title == "Fix the selector":  # the doctor asks the pods: none answers
                said = "no pod answers on 4000"
                await until(lambda s=said: s in screen_text(app), timeout=15, what=said)
            if step.title == "Fix the targetPort":
                said = "each of the 3 pods answered on 80"
                await until(lambda s=said: s in screen_text(app), timeout=15, what=said)
                assert "✓ no problems found" in screen_text(app), screen_text(app)
        # The fixes took: my-service selects the Deployment's pods, on the port they listen on.
        service = app.feed.state.get("services", "default", "my-service")
        assert service is not None and dict(service.selector or {}) == {"app": "my-app"}
        assert [port.target_port for port in service.ports] == [80], service.ports
        await pilot.press("n")  # past the end: a word, not an error
        await until(lambda: "last step" in screen_text(app), what="the last step's note")


async def test_back_shows_the_earlier_screen_and_esc_leaves(
    tour_cluster: DemoCluster, tour: Tour
) -> None:
    route_step = next(i for i, s in enumerate(tour.steps) if s.open == "route")
    app = tour_app(tour_cluster, tour, start=route_step + 1, start_probes=False)
    async with app.run_test(size=SMALL) as pilot:
        await until(lambda: app.step_ready, timeout=STEP_TIMEOUT, what="the starting step")
        await pilot.press("left")
        await until(lambda: app.step_ready and app.step_index == route_step,
                    timeout=STEP_TIMEOUT, what="the route step again")  # fmt: skip
        assert isinstance(app.screen, TextScreen) and app.screen.text_title.startswith("route")
        await pilot.press("escape")
        assert not app.touring and tour.steps[route_step].title not in screen_text(app)
        # Out of the tour, n and Esc are the screens' again: Esc closes the route.
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, TextScreen), what="the route closed")


async def test_each_press_counts_even_before_the_step_is_up(
    tour_cluster: DemoCluster, tour: Tour
) -> None:
    """A presenter's quick n n: two steps on, whatever the cluster is still doing."""
    app = tour_app(tour_cluster, tour, start_probes=False)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("n", "n")
        assert app.step_index == 2
        await until(lambda: app.step_ready, timeout=STEP_TIMEOUT, what="step 3 on screen")
        assert app.feed.state.get("deployments", "default", "hostname-server") is not None


async def test_a_press_while_a_step_writes_does_not_write_it_twice(
    tour_cluster: DemoCluster, tour: Tour
) -> None:
    """n while step 2's manifests are being written: step 3 waits for that writing, it does not
    write them again (its GET would find nothing yet, and its POST answer "already exists")."""
    app = tour_app(tour_cluster, tour, start_probes=False)
    async with app.run_test(size=SMALL) as pilot:
        await until(lambda: app.step_ready, timeout=STEP_TIMEOUT, what="step 1 on screen")
        # A slow API server: the writing takes a while.
        tour_cluster.runtime.server.faults.latency = 0.3
        await pilot.press("n")
        await until(
            lambda: any(w.group == "tour" and w.is_running for w in app.workers),
            what="step 2 writing",
        )
        await pilot.press("n")
        await until(lambda: app.step_ready, timeout=STEP_TIMEOUT, what="step 3 on screen")
        assert app.flash.level != "error", screen_text(app)
        assert app.feed.state.get("deployments", "default", "hostname-server") is not None
