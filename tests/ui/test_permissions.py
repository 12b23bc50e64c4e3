"""Before a change asks "are you sure?", k9lite knows whether the user may make it (issue 18).

A SelfSubjectAccessReview per (kind, verb, namespace), answered by the demo's RBAC: a user bound
to `view` is told at once that it may not delete, scale or open a shell, the confirmation never
shows, and the footer greys the key; the admin is asked to confirm as before; a server that
refuses the review itself leaves the answer unknown and the confirmation shows as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from k9lite.demo.cluster import DemoCluster
from k9lite.demo.rbac.users import DemoUser
from k9lite.kube.config import load_connection
from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.navigator import AppOptions
from k9lite.ui.screens.confirm import ConfirmScreen
from tests.conftest import FAST, default_scenario
from tests.ui.screen import screen_text
from tests.ui.test_app import rows, until

SIZE = (120, 30)


@pytest.fixture
def cluster() -> Iterator[DemoCluster]:
    """The default scenario, with `vera` bound to the `view` ClusterRole."""
    with default_scenario(replace(FAST, users=(DemoUser("vera", "view"),))) as demo:
        yield demo


def _app(cluster: DemoCluster, context: str | None, view: str) -> K9liteApp:
    connection = load_connection(str(cluster.kubeconfig_path), context)
    return K9liteApp(AppOptions(connection, "default", start_view=view))


def _words(app: K9liteApp) -> str:
    return " ".join(screen_text(app).split())


async def _select_first(app: K9liteApp) -> str:
    key = await until(lambda: next(iter(rows(app)), None), timeout=10, what="a row")
    app.query_one(Browser).table.move_cursor(key=key)
    return key


async def test_a_viewer_is_told_it_may_not_and_no_confirmation_shows(cluster: DemoCluster) -> None:
    app = _app(cluster, "vera", "po")
    async with app.run_test(size=SIZE) as pilot:
        await _select_first(app)
        await pilot.press("ctrl+d")
        await until(
            lambda: "✗ forbidden: you may not delete pods in default" in _words(app),
            what="the refusal on the message line",
        )
        assert not isinstance(app.screen, ConfirmScreen)
        # The footer shows ^d greyed: the binding is there, disabled.
        assert app.active_bindings["ctrl+d"].enabled is False
        assert "^d Delete" in screen_text(app).splitlines()[-1]
        await pilot.press("s")
        await until(
            lambda: "✗ forbidden: you may not open a shell in pods in default" in _words(app),
            what="the shell refused",
        )
        app.run_command("deploy")
        await _select_first(app)
        await until(lambda: app.active_bindings["s"].enabled is False, what="s greyed on deploy")
        # A greyed key is never run: pressed, it says why.
        await pilot.press("s")
        await until(
            lambda: "✗ forbidden: you may not scale deployments in default" in _words(app),
            what="the scale refused",
        )
        assert not isinstance(app.screen, ConfirmScreen)


async def test_a_refusal_said_on_the_first_press_comes_from_the_review(
    cluster: DemoCluster,
) -> None:
    """Scale asked for before any answer came back: the change waits for it, then is refused."""
    app = _app(cluster, "vera", "deploy")
    async with app.run_test(size=SIZE) as pilot:
        await _select_first(app)
        app.answers.clear()  # as if the footer's own question were still on its way
        await app.run_action("scale")
        await until(
            lambda: "✗ forbidden: you may not scale deployments in default" in _words(app),
            what="the scale refused",
        )
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)


async def test_the_admin_is_asked_to_confirm(cluster: DemoCluster) -> None:
    app = _app(cluster, None, "po")
    async with app.run_test(size=SIZE) as pilot:
        key = await _select_first(app)
        await pilot.press("ctrl+d")
        await until(lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")
        assert f"Delete pod {key.split('/')[1]}?" in _words(app)
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, ConfirmScreen), what="back")
        assert app.active_bindings["ctrl+d"].enabled is True


async def test_a_review_the_server_refuses_leaves_the_change_to_confirm(
    cluster: DemoCluster,
) -> None:
    """403 on the review itself: unknown, allowed as before (the delete would say why)."""
    cluster.call(lambda rt: rt.server.faults.forbidden.add("selfsubjectaccessreviews"))
    app = _app(cluster, "vera", "po")
    async with app.run_test(size=SIZE) as pilot:
        await _select_first(app)
        await pilot.press("ctrl+d")
        await until(lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")
