"""ResourceTable against Textual's DataTable on the operations a live Pods view performs.

For each table, in one run, `--repeat` fresh headless apps (160x45) with `--rows` rows each:
  1. first render: from mounting the table and handing it the rows to the first frame showing them;
  2. update one cell: from the call to the frame showing the new value (median of 5 per app);
  3. remove 50 rows (the top 50): from the call to the frame showing the new top row;
  4. a burst of 200 row updates at 200/s, each repainting a visible row, with a `down` key press
     every 50 ms: press-to-frame latency (the first frame after the press showing the moved cursor).
A "frame" is a compositor update turned into terminal output (`render_segments`), as a real
terminal would receive it. Prints medians, the key press p95, and ResourceTable / DataTable ratios.

    python bench/table_ops.py [--rows 10000] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.console import RenderableType
from textual import events
from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable

from k9lite.ui.widgets.resource_table import Column, ResourceTable

SIZE = (160, 45)
LABELS = ("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE")
BURST_UPDATES = 200
BURST_RATE = 200.0
PRESS_EVERY = 10  # updates between two key presses: 50 ms at 200 updates/s
CELL_UPDATES = 5
REMOVED = 50
TIMEOUT = 60.0


def make_rows(count: int) -> dict[str, tuple[str, ...]]:
    """Pods-view rows keyed `ns/name`, in key order."""
    return {
        f"default/pod-{i:05}": (
            f"pod-{i:05}",
            "1/1",
            "Running",
            str(i % 7),
            f"{i % 59 + 1}m",
            f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
            f"node-{i % 200:03}",
        )
        for i in range(count)
    }


class FrameApp(App[None]):
    """An app that renders each frame to terminal output and resolves waits on what it shows."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[tuple[Callable[[str], bool], asyncio.Future[float]]] = []

    def compose(self) -> ComposeResult:
        yield Vertical(id="host")

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        # Headless apps compose frames but skip the terminal write: do the write's work here
        # (as a real terminal driver would) and time the frame once it is done.
        super()._display(screen, renderable)
        render = getattr(renderable, "render_segments", None)
        if render is None:
            return
        output = render(self.console)
        now = time.perf_counter()
        still_waiting = []
        for predicate, future in self.waits:
            if not future.done() and predicate(output):
                future.set_result(now)
            elif not future.done():
                still_waiting.append((predicate, future))
        self.waits = still_waiting

    def frame_where(self, predicate: Callable[[str], bool]) -> asyncio.Future[float]:
        """A future set to the time of the first frame (from now on) for which `predicate` holds."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waits.append((predicate, future))
        return future

    def frame_showing(self, text: str) -> asyncio.Future[float]:
        return self.frame_where(lambda output: text in output)

    def press(self, key: str) -> None:
        """Send a key the way a terminal driver does, without waiting for it to be handled."""
        event = events.Key(key, None)
        event.set_sender(self)
        assert self._driver is not None
        self._driver.send_message(event)


class Subject:
    """One table kind behind a common interface."""

    name = ""

    def create(self) -> Any:
        raise NotImplementedError

    def load(self, table: Any, rows: dict[str, tuple[str, ...]]) -> None:
        raise NotImplementedError

    def update(self, table: Any, key: str, cells: tuple[str, ...]) -> None:
        raise NotImplementedError

    def remove(self, table: Any, keys: list[str]) -> None:
        raise NotImplementedError


class ResourceTableSubject(Subject):
    name = "ResourceTable"

    def create(self) -> ResourceTable:
        return ResourceTable(columns=[Column(label.lower(), label) for label in LABELS])

    def load(self, table: ResourceTable, rows: dict[str, tuple[str, ...]]) -> None:
        table.replace_all(rows)

    def update(self, table: ResourceTable, key: str, cells: tuple[str, ...]) -> None:
        table.upsert_rows({key: cells})

    def remove(self, table: ResourceTable, keys: list[str]) -> None:
        table.remove_rows(keys)


class DataTableSubject(Subject):
    name = "DataTable"

    def create(self) -> DataTable[str]:
        return DataTable(cursor_type="row")

    def load(self, table: DataTable[str], rows: dict[str, tuple[str, ...]]) -> None:
        for label in LABELS:
            table.add_column(label, key=label.lower())
        for key, cells in rows.items():
            table.add_row(*cells, key=key)

    def update(self, table: DataTable[str], key: str, cells: tuple[str, ...]) -> None:
        # The Pods view changes STATUS; DataTable patches one cell at a time.
        table.update_cell(key, "status", cells[2])

    def remove(self, table: DataTable[str], keys: list[str]) -> None:
        for key in keys:
            table.remove_row(key)


@dataclass
class Figures:
    samples: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        self.samples.setdefault(name, []).append(seconds)

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def p95(self, name: str) -> float:
        values = sorted(self.samples[name])
        return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


async def wait(future: asyncio.Future[float]) -> float:
    return await asyncio.wait_for(future, TIMEOUT)


async def run_once(subject: Subject, rows: dict[str, tuple[str, ...]], figures: Figures) -> None:
    keys = list(rows)
    app = FrameApp()
    async with app.run_test(headless=True, size=SIZE) as pilot:
        await pilot.pause()
        host = app.query_one("#host")

        # 1. First render.
        shown = app.frame_showing(rows[keys[0]][0])
        start = time.perf_counter()
        table = subject.create()
        await host.mount(table)
        subject.load(table, rows)
        table.focus()
        figures.add("first render", await wait(shown) - start)
        await pilot.pause()

        # 2. Update one cell of a visible row.
        for n in range(CELL_UPDATES):
            key = keys[3 + n]
            marker = f"Crash{n:02}"  # as wide as "Running": no column resizes
            shown = app.frame_showing(marker)
            start = time.perf_counter()
            subject.update(table, key, (*rows[key][:2], marker, *rows[key][3:]))
            figures.add("update one cell", await wait(shown) - start)
            await pilot.pause()

        # 3. Remove the top 50 rows: the 51st becomes the top row.
        shown = app.frame_showing(rows[keys[REMOVED]][0])
        start = time.perf_counter()
        subject.remove(table, keys[:REMOVED])
        figures.add(f"remove {REMOVED} rows", await wait(shown) - start)
        await pilot.pause()

        # 4. A burst of updates to visible rows with key presses.
        live = keys[REMOVED:]
        visible = live[: SIZE[1] - 3]
        start_row = table.cursor_row
        presses: list[tuple[float, asyncio.Future[float]]] = []
        burst_start = time.perf_counter()
        for n in range(BURST_UPDATES):
            due = burst_start + n / BURST_RATE
            delay = due - time.perf_counter()
            await asyncio.sleep(max(0.0, delay))
            key = visible[n % len(visible)]
            subject.update(table, key, (*rows[key][:2], f"Bst{n:04}", *rows[key][3:]))
            if n % PRESS_EVERY == PRESS_EVERY - 1:
                target = start_row + len(presses) + 1

                def moved(_: str, table: Any = table, target: int = target) -> bool:
                    return bool(table.cursor_row >= target)

                future = app.frame_where(moved)
                presses.append((time.perf_counter(), future))
                app.press("down")
        last = app.frame_showing(f"Bst{BURST_UPDATES - 1:04}")
        for pressed, future in presses:
            figures.add("burst: key press", await wait(future) - pressed)
        figures.add("burst: 200 updates, wall", await wait(last) - burst_start)


def report(rows: int, repeat: int, results: dict[str, Figures]) -> None:
    ours, theirs = results["ResourceTable"], results["DataTable"]
    print(f"table ops: {rows:,} rows, {SIZE[0]}x{SIZE[1]} headless, {repeat} fresh apps per table")
    print(f"{'':34}{'ResourceTable':>14}{'DataTable':>12}{'ratio RT/DT':>13}")

    def line(label: str, a: float, b: float) -> None:
        print(f"{label:34}{a * 1000:>11.1f} ms{b * 1000:>9.1f} ms{a / b:>13.3f}")

    for name in ours.samples:
        if name == "burst: key press":
            continue
        line(f"{name} (median)", ours.median(name), theirs.median(name))
    name = "burst: key press"
    count = len(ours.samples[name])
    line(f"{name} p50 (n={count})", ours.median(name), theirs.median(name))
    line(f"{name} p95 (n={count})", ours.p95(name), theirs.p95(name))


async def main_async(rows: int, repeat: int) -> None:
    data = make_rows(rows)
    results: dict[str, Figures] = {}
    for _ in range(repeat):
        # Alternate the two tables so drift in the machine's speed hits both alike.
        for subject in (ResourceTableSubject(), DataTableSubject()):
            await run_once(subject, data, results.setdefault(subject.name, Figures()))
    report(rows, repeat, results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1,000 rows, one app per table")
    args = parser.parse_args(argv)
    rows, repeat = (1_000, 1) if args.quick else (args.rows, args.repeat)
    if rows <= REMOVED + SIZE[1]:
        parser.error(f"--rows must exceed {REMOVED + SIZE[1]}")
    asyncio.run(main_async(rows, repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
