"""The Services view marks each Service with the doctor's verdict, as `k9lite diagnose` does:
✗ error, ! warning, ? could not check, no mark when ok; read off the rendered screen at 80x24.

Live: on the demo's default scenario my-service shows ✗; the doctor's fix applied with the real
kubectl takes the ✗ away; one pod behind a Service (its Deployment scaled to 1) shows ! after
names long enough to be cut at 80 columns. Fixed objects (tests/ui/cluster_fixture.py): an idle
screen never diagnoses again.
"""

from __future__ import annotations

import asyncio
import shlex

from k9lite.demo.cluster import DemoCluster
from k9lite.model.state import ClusterState
from k9lite.render.doctor import verdict_mark
from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from tests.conftest import Kubectl
from tests.ui import cluster_fixture
from tests.ui.screen import screen_lines, screen_text
from tests.ui.test_app import make_app, rows, until
from tests.ui.test_doctor_panel import FIX
from tests.ui.test_snapshots import ROWS
from tests.ui.test_snapshots import make_app as fixed_app

SMALL = (80, 24)
ERROR, WARNING = verdict_mark("error"), verdict_mark("warning")
HOSTNAME_SERVICES = ("clusterip-hostname-service", "nodeport-hostname-service")


def name_cell(app: K9liteApp, name: str) -> str | None:
    """The NAME cell of the Service `name` as the screen draws it: a table line's text up to
    the two spaces between columns. A name cut at 80 columns keeps its start (the demo's
    Services differ in their first 8 letters) and its end, where the mark is."""
    for line in screen_lines(app)[3:]:
        cell = line.strip().split("  ")[0]
        if cell.startswith(name[:8]):
            return cell
    return None


def shows(app: K9liteApp, name: str, mark: str) -> str | None:
    """The NAME cell of `name` when it ends with `mark` (no mark: "" ends none)."""
    cell = name_cell(app, name)
    if cell is None:
        return None
    marked = cell.endswith(f" {mark}") if mark else cell[-2:-1] != " "
    return cell if marked else None


async def test_marks_follow_the_doctor_at_80_columns(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SMALL):
        await until(lambda: shows(app, "my-service", ERROR), what="my-service ✗ on screen")
        # The healthy Services, and kubernetes (endpoints kept by hand: info only), show none.
        await until(
            lambda: all(shows(app, name, "") for name in (*HOSTNAME_SERVICES, "kubernetes")),
            what="no mark on the healthy Services",
        )

        await asyncio.to_thread(kubectl, *shlex.split(FIX)[1:])
        await until(
            lambda: shows(app, "my-service", ""), timeout=10, what="the ✗ gone from my-service"
        )

        await asyncio.to_thread(kubectl, "scale", "deployment", "hostname-server", "--replicas=1")
        cells = await until(
            lambda: (
                (found := [shows(app, name, WARNING) for name in HOSTNAME_SERVICES])
                and all(found)
                and found
            ),
            timeout=10,
            what="! after both hostname Services (one ready endpoint each)",
        )
        # At 80 columns the long names are cut, keeping their end with the mark.
        assert all("…" in cell for cell in cells), cells
        assert shows(app, "my-service", ""), screen_text(app)


def verdicts_count(app: K9liteApp) -> int:
    return app.query_one(Browser).verdicts.diagnoses


async def test_an_idle_services_view_never_diagnoses_again() -> None:
    app = fixed_app("svc")
    async with app.run_test(size=SMALL) as pilot:
        app.refresh_state()
        browser = app.query_one(Browser)
        assert browser.table.visible_count == ROWS["svc"]
        assert "my-service ✗" in screen_text(app)
        diagnosed = verdicts_count(app)
        assert diagnosed == ROWS["svc"], "one diagnosis a Service"
        state: ClusterState = app.feed.state
        for _ in range(5):
            # The once-a-second rebuild of the rows on screen, and a redraw with no change.
            browser.refresh_on_screen(state, app.options.clock())
            app.refresh_state()
        await pilot.pause()
        assert verdicts_count(app) == diagnosed
        # Another view and back: the verdicts are still those of the same versions.
        for command in ("pods", "svc"):
            app.run_command(command)
            await pilot.pause()
        assert browser.view.kind == "services"
        assert "my-service ✗" in screen_text(app)
        assert verdicts_count(app) == diagnosed


async def test_a_row_off_screen_takes_its_new_verdict_too() -> None:
    """A change to the pods rebuilds the rows on screen at once and catches the others up: with
    a few Services, within the same frame."""
    app = fixed_app("svc")
    async with app.run_test(size=(80, 8)) as pilot:
        app.refresh_state()
        browser = app.query_one(Browser)
        assert "default/svc-3" not in browser.table.on_screen_keys()
        assert rows(app)["default/svc-3"][0] == "svc-3"
        # svc-3 (the LoadBalancer) loses its pods and its endpoints: its selector matches none.
        raws = cluster_fixture.raw_objects()
        app.feed.state.replace(
            "pods", [p for p in raws["pods"] if p["metadata"]["labels"].get("app") != "pod"]
        )
        app.feed.state.replace(
            "endpointslices",
            [
                s
                for s in raws["endpointslices"]
                if s["metadata"]["labels"]["kubernetes.io/service-name"] != "svc-3"
            ],
        )
        app.refresh_state()
        assert rows(app)["default/svc-3"][0] == f"svc-3 {ERROR}"
        await pilot.press("end")
        await pilot.pause()
        assert any(line.strip().startswith(f"svc-3 {ERROR}") for line in screen_lines(app))
