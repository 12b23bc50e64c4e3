"""bench/tui_load.py's child: the app, headless, timing its frames, its load and its keys.

Imported by the child only after it has started the app's session (as `k9lite` does before
loading its UI), so that Textual and the views load while the first list is on its way.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import RenderableType
from textual import events
from textual.css.query import NoMatches
from textual.screen import Screen

from k9lite.kube.config import Connection
from k9lite.ui.app import K9liteApp
from k9lite.ui.navigator import AppOptions
from k9lite.ui.session import Session
from k9lite.ui.widgets.resource_table import ResourceTable

SIZE = (160, 45)
PRESS_EVERY = 0.5
LOAD_TIMEOUT = 180.0


class ChildError(Exception):
    """The storm could not be lived through as the parent asked."""


@dataclass(slots=True)
class Press:
    """One key press: the cursor row it must reach, when it was sent, when a frame showed it."""

    target: int
    pressed: float
    shown: float | None = None


class MeasuredApp(K9liteApp):
    """K9liteApp that renders each frame to terminal output and times what the frames show."""

    def __init__(self, options: AppOptions, session: Session, *, expected_rows: int) -> None:
        super().__init__(options, session=session)
        self.expected_rows = expected_rows
        self.frames = 0
        self.populated: asyncio.Future[float] | None = None
        self.presses: list[Press] = []
        self.presses_lock = threading.Lock()
        self._table: ResourceTable | None = None
        self.closing = False

    def refresh_state(self) -> None:
        # The app's refresh timer can tick while the app tears its widgets down, and its
        # `query_one` then raises NoMatches: the bench stops refreshing before it leaves.
        if not self.closing:
            super().refresh_state()

    def pods_table(self) -> ResourceTable | None:
        if self._table is None:
            try:
                self._table = self.query_one("#resources", ResourceTable)
            except NoMatches:
                return None
        return self._table

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        # Headless apps compose frames but skip the terminal write: do the write's work here
        # (as a real terminal driver would) and time the frame once it is done.
        super()._display(screen, renderable)
        render = getattr(renderable, "render_segments", None)
        if render is None:
            return
        render(self.console)
        now = time.perf_counter()
        self.frames += 1
        table = self.pods_table()
        if table is None:
            return
        populated = self.populated
        if (
            populated is not None
            and not populated.done()
            and table.loaded
            and table.row_count == self.expected_rows
        ):
            populated.set_result(now)
        row = table.cursor_row
        with self.presses_lock:
            for press in self.presses:
                if press.shown is None and row >= press.target:
                    press.shown = now


def _memory_mb(field_name: str) -> float:
    """A `VmRSS`/`VmHWM` line of /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def _press_keys(app: MeasuredApp, start_row: int, seconds: float, stop: threading.Event) -> None:
    """Press `down` every PRESS_EVERY s from this thread, as a terminal's input thread does."""
    driver = app._driver
    assert driver is not None
    begin = time.perf_counter()
    count = int(seconds / PRESS_EVERY)
    for n in range(count):
        # Half a period first: the storm is running when the first key arrives.
        due = begin + (n + 0.5) * PRESS_EVERY
        if stop.wait(max(0.0, due - time.perf_counter())):
            return
        event = events.Key("down", None)
        event.set_sender(app)
        with app.presses_lock:
            app.presses.append(Press(start_row + n + 1, time.perf_counter()))
        driver.send_message(event)


async def _app_session(app: MeasuredApp, storm: float) -> None:
    loop = asyncio.get_running_loop()
    app.populated = loop.create_future()
    async with app.run_test(headless=True, size=SIZE):
        shown = await asyncio.wait_for(app.populated, LOAD_TIMEOUT)
        _emit({"populated": shown, "rss_mb": _memory_mb("VmRSS"), "frames": app.frames})
        if storm > 0:
            await _storm_session(app, storm)
        app.closing = True


async def _storm_session(app: MeasuredApp, storm: float) -> None:
    """Wait for the parent's storm, press keys through it, report the latencies."""
    loop = asyncio.get_running_loop()
    # The parent starts the storm, then says "go".
    line = await loop.run_in_executor(None, sys.stdin.readline)
    if line.strip() != "go":
        raise ChildError(f"expected 'go' from the parent, got {line!r}")
    table = app.pods_table()
    assert table is not None
    state = app.feed.state
    version, frames = state.version("pods"), app.frames
    started = time.perf_counter()
    stop = threading.Event()
    presser = threading.Thread(
        target=_press_keys, args=(app, table.cursor_row, storm, stop), daemon=True
    )
    presser.start()
    await loop.run_in_executor(None, presser.join)
    # A frame after the last press; give a lagging app up to 5 s to show it.
    deadline = time.perf_counter() + 5.0
    while time.perf_counter() < deadline:
        with app.presses_lock:
            if all(p.shown is not None for p in app.presses):
                break
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    with app.presses_lock:
        latencies = [p.shown - p.pressed for p in app.presses if p.shown is not None]
        missed = sum(1 for p in app.presses if p.shown is None)
    _emit(
        {
            "latencies": latencies,
            "missed": missed,
            "pod_events": state.version("pods") - version,
            "fps": (app.frames - frames) / elapsed,
            "cursor_row": table.cursor_row,
            "rows": table.row_count,
            "rss_mb": _memory_mb("VmRSS"),
        }
    )


def run_measured(
    connection: Connection, view: str, session: Session, start: float, *, rows: int, storm: float
) -> None:
    """Show the app until its view holds `rows` rows, then live through the storm; `start` is
    when the child began loading the connection (the "K9liteApp() -> full frame" origin)."""
    app = MeasuredApp(AppOptions(connection, None, start_view=view), session, expected_rows=rows)
    _emit({"created": start})
    asyncio.run(_app_session(app, storm))
