"""Escape sequences and markup from the cluster, a pod's body or a name, in the TUI.

The traffic screen runs a real probe against a server whose bodies carry escape sequences;
describe shows an annotation set with kubectl on the demo cluster; titles and questions hold
Rich markup. What the screen draws (its SVG export, its log lines, its widgets' text) holds
no raw ESC or BEL, shows the escaped text, and markup stays text: no MarkupError.
"""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.widgets import Label, RichLog, Static

from k9lite.demo.cluster import DemoCluster
from k9lite.traffic.plan import ProbeRequest, plan_probe
from k9lite.traffic.runner import ProbeOptions
from k9lite.ui.browser import Browser
from k9lite.ui.screens.confirm import ConfirmScreen, ScaleScreen
from k9lite.ui.screens.text_screen import TextScreen
from tests.conftest import Kubectl
from tests.hostile_http import ESCAPED_ERROR, ESCAPED_NAME, hostile_server
from tests.ui.test_app import SIZE, make_app, rows, until
from tests.ui.test_traffic_screen import SERVICE, finished, open_traffic

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[31m[/] [bold red]X[/]\u009b2J"
ESCAPED = "\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31m[/] [bold red]X[/]\\x9b2J"


def _no_raw_controls(text: str) -> None:
    assert not [c for c in ("\x1b", "\x07", "\x9b") if c in text], repr(text)


async def test_the_traffic_screen_shows_hostile_answers_escaped(cluster: DemoCluster) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_traffic(app, pilot)
        with hostile_server() as url:
            state = app.feed.state
            service = state.get("services", "default", SERVICE)
            assert service is not None
            request = ProbeRequest(SERVICE, "url", ProbeOptions(count=6), url=url)
            planned = plan_probe(app.connection, state, service, request)
            # What Enter does once it has read the form, whose ways in offer no `url`.
            screen.current, screen.running = planned, True
            screen.run_probe(planned)
            summary = await finished(screen, 6)
        assert (summary.answered, summary.failed) == (3, 3), summary
        log = screen.query_one("#traffic-log", RichLog)
        await until(lambda: len(log.lines) >= 6, what="the 6 answers in the log")
        logged = "\n".join(line.text for line in log.lines)
        _no_raw_controls(logged)
        assert logged.count(ESCAPED_NAME) == 3 and ESCAPED_ERROR[:40] in logged, logged
        # The histogram's row for the unknown answer, once the screen has drawn it (the SVG
        # writes spaces as &#160;).
        drawn = await until(
            lambda: svg if f"?&#160;{ESCAPED_NAME}" in (svg := app.export_screenshot()) else None,
            what="the histogram's row for the unknown answer",
        )
        _no_raw_controls(drawn)


async def test_describe_shows_an_annotation_with_escapes_escaped(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    await asyncio.to_thread(kubectl, "annotate", "service", SERVICE, f"note={HOSTILE}")
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SIZE) as pilot:
        await until(
            lambda: (
                (svc := app.feed.state.get("services", "default", SERVICE)) is not None
                and svc.meta.annotations.get("note") == HOSTILE
                and rows(app).get(f"default/{SERVICE}")
            ),
            what="the annotated Service",
        )
        app.query_one(Browser).table.move_cursor(key=f"default/{SERVICE}")
        await pilot.press("d")
        screen = await until(
            lambda: app.screen if isinstance(app.screen, TextScreen) else None,
            what="the describe screen",
        )
        shown = str(screen.query_one("#text", Static).render())
        _no_raw_controls(shown)
        assert f"note: {ESCAPED}" in shown, shown
        _no_raw_controls(app.export_screenshot())


class _Bordered(App[None]):
    """An app whose text frame has a border, to draw its title (k9lite's styles give one)."""

    CSS = "#text-frame { border: round $primary; }"


async def test_markup_and_escapes_in_titles_and_questions_are_text() -> None:
    """A title, a question or a text holding `[/]` shows it as typed; the app stays up."""
    app = _Bordered()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(TextScreen(title=f"describe pods/{HOSTILE}", text=f"a {HOSTILE}"))
        await pilot.pause()
        # The title as drawn (the SVG writes spaces as &#160;): escapes visible, markup as typed.
        title = f"describe pods/{ESCAPED}".replace(" ", "&#160;")
        assert title in app.export_screenshot()
        assert str(app.screen.query_one("#text", Static).render()) == f"a {ESCAPED}"
        app.pop_screen()
        await app.push_screen(ConfirmScreen(f"Delete pod {HOSTILE}?"))
        await pilot.pause()
        question = str(app.screen.query_one(Label).render())
        assert question == f"Delete pod {ESCAPED}?"
        app.pop_screen()
        await app.push_screen(ScaleScreen(f"deployment/{HOSTILE}", 2))
        await pilot.pause()
        assert ESCAPED in str(app.screen.query_one(Label).render())
        _no_raw_controls(app.export_screenshot())
        assert app.is_running
