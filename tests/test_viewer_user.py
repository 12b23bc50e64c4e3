"""A user who may list only pods and services: unknown is never shown as none (issue 13).

The demo's built-in `viewer` Role allows get, list and watch on pods and services in `default`:
EndpointSlices, Deployments, Nodes and Namespaces answer 403 as kube-apiserver words it. The
Services view, describe, `k9lite diagnose` and `k9lite probe` must say what they cannot know.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest

from k9lite.cli import main
from k9lite.demo.cluster import DemoCluster
from k9lite.demo.rbac.users import DemoUser
from k9lite.kube.config import load_connection
from k9lite.render.rows import UNKNOWN_ENDPOINTS
from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.navigator import AppOptions
from tests.conftest import FAST, default_scenario
from tests.ui.screen import screen_lines, screen_text
from tests.ui.test_app import rows, until

W2 = "clusterip-hostname-service"


@pytest.fixture
def viewer_cluster() -> Iterator[DemoCluster]:
    """The default scenario with a `viewer` account beside the admin."""
    options = dataclasses.replace(FAST, users=(DemoUser("viewer", "viewer"),))
    with default_scenario(options) as demo:
        assert demo.wait_settled()
        yield demo


@pytest.fixture(autouse=True)
def no_forced_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


async def test_the_services_view_says_endpoints_are_unknown_and_why(
    viewer_cluster: DemoCluster,
) -> None:
    connection = load_connection(str(viewer_cluster.kubeconfig_path), "viewer")
    app = K9liteApp(AppOptions(connection, "default", start_view="svc"))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(
            lambda: rows(app).get(f"default/{W2}", ("",))[-1:] != ("",), what="the Services"
        )
        endpoints = [c.label for c in app.query_one(Browser).table.columns].index("ENDPOINTS")
        await until(
            lambda: rows(app)[f"default/{W2}"][endpoints] == UNKNOWN_ENDPOINTS,
            timeout=10,
            what="ENDPOINTS unknown",
        )
        # Could not check is not broken: `?` after the name, as `k9lite diagnose` says.
        await until(lambda: rows(app)[f"default/{W2}"][0] == f"{W2} ?", timeout=10, what=f"{W2} ?")
        assert "? unknown" in screen_text(app)
        # What the viewer may not list marks the cells derived from it, not the connection.
        header = await until(
            lambda: screen_lines(app)[0] if "live" in screen_lines(app)[0] else None,
            timeout=10,
            what="the header to say live",
        )
        assert "forbidden" not in header, header
        # A view of a forbidden kind says so at once, where its rows would be.
        app.run_command("deploy")
        await until(
            lambda: (
                'User "viewer" cannot list resource "deployments"'
                in " ".join(screen_text(app).split())
            ),
            timeout=5,
            what="the Deployments view to say forbidden",
        )
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("end")
        await until(lambda: "replicasets: forbidden" in screen_text(app), what="? expands it")
        assert "services: live" in screen_text(app)
        assert "endpointslices: forbidden" in app.screen.text  # type: ignore[attr-defined]


def test_diagnose_exits_2_naming_what_it_could_not_check(
    viewer_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    kubeconfig = str(viewer_cluster.kubeconfig_path)
    args = ["diagnose", "--kubeconfig", kubeconfig, "--context", "viewer", "-n", "default", W2]
    status = main(args)
    out, err = capsys.readouterr()
    assert status == 2, out + err
    assert "? unknown" in out and "endpointslices" in out
    assert "no problems" not in out
    assert "endpointslices" in err, "stderr says what was left out"


def test_probe_goes_through_the_service_proxy_and_reports_what_comes_back(
    viewer_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    """Endpoints unknown is no reason to send nothing: the API server's proxy decides. The
    viewer may not use services/proxy either, and the answers say so (403)."""
    kubeconfig = str(viewer_cluster.kubeconfig_path)
    args = ["probe", "--kubeconfig", kubeconfig, "--context", "viewer", "-n", "default", W2]
    status = main([*args, "--count", "5", "--json"])
    out, _ = capsys.readouterr()
    summary = json.loads(out)
    assert status == 1 and summary["sent"] == 5 and summary["failed"] == 5, summary
    assert any("403" in str(error) for error in summary["errors"]), summary["errors"]
