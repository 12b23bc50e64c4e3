"""`l` at 80x24 on the default scenario's fixed objects, with fixed log lines (no cluster).

What a user must see: the status (following or paused, the lines kept, the pods followed),
every key, a short prefix per pod in a merged log, and a hostile line shown as text.
The demo cluster's own logs are read in tests/ui/test_logs_demo.py.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from k9lite.render.logs import LINE_CAP
from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.screens.ask import AskScreen
from k9lite.ui.screens.logs import LOGS_KEYS, LogsScreen
from tests.ui.screen import screen_lines, screen_text
from tests.ui.test_snapshots import ROWS, SMALL, SnapCompare, loaded, make_app

SERVICE = "default/clusterip-hostname-service"
PODS = ("2q8jf", "ft7st")  # the suffixes of hostname-server's two pods


async def open_logs(app: K9liteApp, pilot: Pilot[None], view: str, key: str) -> LogsScreen:
    await loaded(ROWS[view])(pilot)
    app.query_one(Browser).table.move_cursor(key=key)
    await pilot.press("l")
    await pilot.pause()
    assert isinstance(app.screen, LogsScreen), type(app.screen)
    return app.screen


@pytest.mark.parametrize("readonly", [False, True], ids=["rw", "readonly"])
async def test_a_service_merges_its_pods_with_prefixes(readonly: bool) -> None:
    app = make_app("svc", readonly=readonly)
    async with app.run_test(size=SMALL) as pilot:
        await open_logs(app, pilot, "svc", SERVICE)
        lines = screen_lines(app)
        assert "logs service/clusterip-hostname-service" in lines[0]
        assert "● following  ·  12 lines  ·  2 pods followed" in lines[1]
        for pod in PODS:
            ours = [line for line in lines if f" {pod} " in line]
            assert any("listening on :8080" in line for line in ours), lines
            assert any('"GET / HTTP/1.1" 200' in line for line in ours), lines
        footer = lines[-1]
        for key in LOGS_KEYS.keys:
            assert f"{key.written[0]} {key.label}" in footer, footer


async def test_log_text_is_shown_as_data() -> None:
    app = make_app("svc")
    async with app.run_test(size=(120, 35)) as pilot:
        await open_logs(app, pilot, "svc", SERVICE)
        text = screen_text(app)
        assert '"GET /[bold]x[/bold]\\x1b[2J HTTP/1.1" 404 19' in text, text
        assert "\x1b" not in text


async def test_pause_timestamps_and_search() -> None:
    app = make_app("pods")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_logs(app, pilot, "pods", "default/hostname-server-54dd5f4bf-2q8jf")
        assert "● following  ·  6 lines  ·  1 pod followed" in screen_text(app)
        assert " 2q8jf " not in screen_text(app), "one pod's log has no prefix"
        await pilot.press("f")
        assert "‖ paused  ·  6 lines" in screen_text(app)
        screen.line("hostname-server-54dd5f4bf-2q8jf", "2024-05-01T12:00:00Z late")
        await pilot.pause()
        assert "‖ paused (1 new)  ·  7 lines" in screen_text(app)
        assert "late" not in screen_text(app)
        await pilot.press("t")
        assert "late" not in screen_text(app), "a change while paused shows no new line"
        assert "2024-05-01T11:59:59.000000Z 127.0.0.1:41234" in screen_text(app)
        await pilot.press("t", "f")
        assert "● following  ·  7 lines" in screen_text(app)
        assert "late" in screen_text(app)

        await pilot.press("t")
        assert "2024-05-01T12:00:00Z late" in screen_text(app)
        # With its timestamp the last request's line is wider than 80 columns: cut, or wrapped.
        assert "404 19" not in screen_text(app)
        await pilot.press("w")
        assert 'HTTP/1.1" 404 19' in screen_text(app)
        await pilot.press("w", "t")
        assert "2024-05-01T11:59:59" not in screen_text(app)

        await pilot.press("slash")
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"listening", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "/listening" in text
        assert "listening on :8080" in text and "GET /" not in text, text


async def test_one_container_cannot_be_picked() -> None:
    app = make_app("pods")
    async with app.run_test(size=SMALL) as pilot:
        await open_logs(app, pilot, "pods", "default/hostname-server-54dd5f4bf-2q8jf")
        await pilot.press("c")
        await pilot.pause()
        assert "one container only: " in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, LogsScreen)


@pytest.mark.parametrize(
    ("view", "key"),
    [("svc", SERVICE), ("deploy", "default/hostname-server")],
    ids=["service", "deployment"],
)
def test_logs_snapshot(snap_compare: SnapCompare, view: str, key: str) -> None:
    app = make_app(view)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_logs(app, pilot, view, key)

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


async def test_the_line_cap_drops_the_oldest_and_says_so() -> None:
    app = make_app("pods")
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_logs(app, pilot, "pods", "default/hostname-server-54dd5f4bf-2q8jf")
        # Faster than the screen draws: 4 more than it keeps arrive before it reads them.
        for n in range(LINE_CAP + 4):
            screen.line("hostname-server-54dd5f4bf-2q8jf", f"line {n}")
        await pilot.pause()
        text = " ".join(screen_lines(app)[1:3])
        assert f"{LINE_CAP:,} lines  ·  10 oldest dropped (cap {LINE_CAP:,})" in text, text
        assert [line.text for line in screen.buffer][:2] == ["line 4", "line 5"]
        assert f"line {LINE_CAP + 3}" in screen_text(app)


async def test_a_kind_without_logs_says_so() -> None:
    app = make_app("no")
    async with app.run_test(size=SMALL) as pilot:
        await loaded(ROWS["no"])(pilot)
        await pilot.press("l")
        await pilot.pause()
        assert not isinstance(app.screen, LogsScreen)
        assert "✗ Nodes cannot be read as logs" in screen_text(app)
