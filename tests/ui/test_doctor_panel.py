"""The doctor in the TUI: `d` on a Service shows its diagnosis, Enter opens a finding.

Snapshots draw the demo's default scenario from fixed objects at a fixed clock
(tests/ui/cluster_fixture.py, as tests/ui/test_snapshots.py does); update them with
`pytest tests/ui/test_doctor_panel.py --snapshot-update`, then look at the SVGs. The Pilot test
runs against the live demo: W6's my-service is marked broken; the printed selector fix, applied
with the real kubectl, clears the mark, and the pods, asked, refuse targetPort 4000; the check's
own fix makes each of them answer.
"""

from __future__ import annotations

import asyncio
import io
import shlex

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static

from k9lite.analysis.check_results import CheckReport
from k9lite.demo.cluster import DemoCluster
from k9lite.model.services import Service
from k9lite.render.doctor import FindingDetail, verdict_mark
from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.screens.text_screen import TextScreen
from k9lite.ui.widgets.doctor_panel import Checker, DoctorPanel
from tests.analysis.builders import W2, w2
from tests.conftest import Kubectl
from tests.ui import cluster_fixture
from tests.ui.screen import screen_text
from tests.ui.test_app import SIZE, column, make_app, rows, until
from tests.ui.test_snapshots import ROWS, SnapCompare, loaded
from tests.ui.test_snapshots import make_app as fixed_app

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 35), id="120x35")]
SERVICE = "default/my-service"
BROKEN = verdict_mark("error")
MY_PODS = sorted(
    pod["metadata"]["name"]
    for pod in cluster_fixture.raw_objects()["pods"]
    if pod["metadata"]["labels"]["app"] == "my-app"
)
FIX = (
    "kubectl patch service my-service -n default -p "
    """'{"spec":{"selector":{"app":"my-app"}}}'"""
)


def plain_lines(renderable: object, width: int = 120) -> list[str]:
    file = io.StringIO()
    Console(width=width, color_system=None, file=file).print(renderable)
    return [line.rstrip() for line in file.getvalue().splitlines()]


async def describe_my_service(pilot: Pilot[None]) -> DoctorPanel:
    """`d` on my-service, then Tab to its diagnosis (the describe text has the focus first)."""
    app = pilot.app
    assert isinstance(app, K9liteApp)
    await loaded(ROWS["svc"])(pilot)
    app.query_one(Browser).table.move_cursor(key=SERVICE)
    await pilot.press("d")
    assert isinstance(app.screen, TextScreen)
    assert app.screen.text_title == "describe services/my-service"
    panel = app.screen.query_one(DoctorPanel)
    await pilot.press("tab")
    assert app.screen.focused is panel
    assert [(f.check, f.severity) for f in panel.findings] == [("selects-workload-labels", "error")]
    return panel


@pytest.mark.parametrize("size", SIZES)
def test_describe_my_service_shows_the_diagnosis(
    snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        panel = await describe_my_service(pilot)
        assert panel.highlighted == 0

    assert snap_compare(fixed_app("svc"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_enter_opens_the_finding_with_the_labels_side_by_side(
    snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        panel = await describe_my_service(pilot)
        await pilot.press("enter")
        # Only DoctorPanel.Opened pushes this screen.
        assert isinstance(app.screen, TextScreen)
        assert app.screen.text_title == "finding: selects-workload-labels"
        detail = app.screen.query_one("#finding", Static).content
        assert isinstance(detail, FindingDetail) and detail.finding == panel.findings[0]
        # The selector beside the Deployment's own label and its pods' label, a mark each.
        table = {
            " ".join(line.split()[:-2]): line.split()[-2:]
            for line in plain_lines(detail)
            if line.lstrip().startswith(("Deployment my-deployment", "Pod my-deployment"))
        }
        assert table.pop("Deployment my-deployment (own labels)") == ["=", "my-app-2"]
        assert table.pop("Deployment my-deployment (pod template)") == ["≠", "my-app"]
        assert sorted(table) == [f"Pod {name}" for name in MY_PODS]
        assert all(found == ["≠", "my-app"] for found in table.values())

    assert snap_compare(fixed_app("svc"), terminal_size=size, run_before=run_before)


async def test_live_mark_diagnosis_and_fix(cluster: DemoCluster, kubectl: Kubectl) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SIZE) as pilot:
        name, endpoints = column(app, "NAME"), column(app, "ENDPOINTS")

        def marked() -> dict[str, str]:
            return {k: c[name] for k, c in rows(app).items() if BROKEN in c[name]}

        def caught_up() -> bool:
            shown = rows(app)
            healthy = [k for k in shown if k not in (SERVICE, "default/kubernetes")]
            return len(shown) == 5 and all(shown[k][endpoints].count(":") == 2 for k in healthy)

        await until(caught_up, what="2 ready endpoints on each healthy Service")
        assert marked() == {SERVICE: f"my-service {BROKEN}"}

        app.query_one(Browser).table.move_cursor(key=SERVICE)
        await pilot.press("d")

        def doctor() -> DoctorPanel | None:
            screen = app.screen
            return screen.query_one(DoctorPanel) if isinstance(screen, TextScreen) else None

        panel = await until(doctor, what="the describe screen's diagnosis")
        findings = await until(lambda: panel.findings, what="a finding")
        assert [(f.check, f.severity, f.fix) for f in findings] == [
            ("selects-workload-labels", "error", FIX)
        ]
        command = shlex.split(FIX)  # as a user pastes it
        assert command[0] == "kubectl", command
        await asyncio.to_thread(kubectl, *command[1:])
        # The selector fixed, the pods are asked: none answers on targetPort 4000, and the
        # panel says so (an error with its own fix), where the configuration alone said nothing.
        refused = await until(
            lambda: next((f for f in panel.findings if f.check == "endpoint-refused"), None),
            timeout=15,
            what="the check's endpoint-refused finding",
        )
        assert [(f.check, f.severity) for f in panel.findings] == [("endpoint-refused", "error")]
        assert "no pod answers on 4000" in refused.title, refused.title
        assert refused.fix is not None and '"value":80' in refused.fix, refused.fix
        assert str(panel.border_subtitle).startswith("pods asked "), panel.border_subtitle
        await asyncio.to_thread(kubectl, *shlex.split(refused.fix)[1:])
        await until(
            lambda: (
                [(f.check, f.severity) for f in panel.findings] == [("endpoints-answer", "info")]
            ),
            timeout=15,
            what="each pod answering on 80 after the targetPort fix",
        )
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, TextScreen), what="the table")
        await until(
            lambda: rows(app)[SERVICE][name] == "my-service",
            timeout=10,
            what="the mark gone from my-service",
        )
        assert marked() == {}
        cell = rows(app)[SERVICE][endpoints]
        await until(
            lambda: rows(app)[SERVICE][endpoints].count(":80") == 3,
            timeout=10,
            what=f"3 endpoints on port 80 (was {cell})",
        )


class _PanelApp(App[None]):
    def __init__(self, checker: Checker) -> None:
        super().__init__()
        self.checker = checker

    def compose(self) -> ComposeResult:
        state = w2()
        yield DoctorPanel(namespace="default", name=W2, source=lambda: state, checker=self.checker)


async def test_a_check_that_cannot_run_says_why_in_the_border() -> None:
    async def fails(service: Service) -> CheckReport:
        raise OSError(f"[b]no route[/b] to {service.meta.name}\x1b[2J")

    app = _PanelApp(fails)
    async with app.run_test(size=(120, 20)):
        panel = app.query_one(DoctorPanel)
        said = f"could not ask the pods: [b]no route[/b] to {W2}\\x1b[2J"
        await until(lambda: said in screen_text(app), what=f"{said!r} on the screen")
        assert panel.report is None and panel.findings == ()
