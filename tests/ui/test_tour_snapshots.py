"""A snapshot of every step of the default tour at 80x24, on a live demo cluster.

Each snapshot starts the tour at its step (the earlier steps' changes made first), so a step's
screen is what `n` brings. Made deterministic: the demo is seeded (pod names and IPs repeat),
`now` is fixed (ages are measured from it), Events are left out, the doctor is drawn once it
has asked the pods, and the probe step's traffic test is opened but not started (its answers
are live data; test_tour.py runs it, and checks the step where the pods' answers show).
Update with `pytest tests/ui/test_tour_snapshots.py --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import pytest
from textual.pilot import Pilot

from k9lite.demo.cluster import DemoCluster
from k9lite.kube.config import load_connection
from k9lite.tours.script import load_tour
from k9lite.ui.navigator import AppOptions
from k9lite.ui.tour import TourApp
from k9lite.ui.widgets.doctor_panel import DoctorPanel
from tests.conftest import FAST
from tests.ui.screen import screen_text
from tests.ui.test_app import until

SnapCompare = Callable[..., bool]
TOUR = load_tour()
NOW = datetime(2100, 1, 1, tzinfo=timezone.utc)
"""Far past every object's creation: every age reads the same on every run."""
SEED = 14
PORT = 16443
"""A fixed port: the header shows the server (tests run in a network namespace of their own)."""


def no_events(*_: object) -> list[dict[str, Any]]:
    return []


@pytest.fixture
def seeded_cluster() -> Iterator[DemoCluster]:
    with DemoCluster(replace(FAST, scenarios=TOUR.scenarios, seed=SEED, port=PORT)) as demo:
        yield demo


ANSWERS = [i for i, step in enumerate(TOUR.steps) if step.title == "Fix the targetPort"]
"""Steps whose screen shows what the pods answered, with their latencies: live data, so they
are checked as text (test_tour.py) rather than drawn."""


def checked(app: TourApp) -> bool:
    """Whether the doctor on screen, if any, has asked the pods (its answers are the lesson)."""
    panels = app.screen.query(DoctorPanel)
    return all(str(panel.border_subtitle).startswith("pods asked") for panel in panels)


@pytest.mark.parametrize(
    "index",
    [i for i in range(len(TOUR.steps)) if i not in ANSWERS],
    ids=lambda i: f"step{i + 1}",
)
def test_tour_step(snap_compare: SnapCompare, seeded_cluster: DemoCluster, index: int) -> None:
    connection = load_connection(str(seeded_cluster.kubeconfig_path))
    options = AppOptions(connection, "default", clock=lambda: NOW, events=no_events)
    app = TourApp(options, TOUR, start=index, start_probes=False)
    app.animation_level = "none"
    title = TOUR.steps[index].title

    async def run_before(pilot: Pilot[None]) -> None:
        await until(lambda: app.step_ready, timeout=25.0, what=f"step {index + 1} ready")
        await until(lambda: title in screen_text(app), what=f"{title} narrated")
        await until(lambda: checked(app), timeout=10.0, what="the doctor to ask the pods")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
