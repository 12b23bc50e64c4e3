"""Write the README's screenshots: k9lite connected to a live demo cluster, one SVG per view.

    python screenshots/make_screenshots.py [--out DIR]

Screenshots come from this script, never by hand: it starts the demo cluster (default scenario,
fast pods), drives the app with `run_test` at 120x35 and saves each screen once its rows are in.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k9lite.demo.cluster import DemoCluster, DemoOptions  # noqa: E402
from k9lite.kube.config import load_connection  # noqa: E402
from k9lite.ui.app import AppOptions, K9liteApp  # noqa: E402
from k9lite.ui.browser import Browser  # noqa: E402
from k9lite.ui.screens.text_screen import TextScreen  # noqa: E402

SIZE = (120, 35)
TIMEOUT = 15.0
# The default scenario: W2, W3, W5, W6.
EXPECTED_ROWS = {"pods": 7, "deploy": 3, "svc": 5, "no": 3}
W2_SERVICE = "default/clusterip-hostname-service"


async def until(condition: Callable[[], object], what: str) -> None:
    """Wait (bounded) while the app runs; fail saying what never happened."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while loop.time() < deadline:
        if condition():
            return
        await asyncio.sleep(0.05)
    raise SystemExit(f"make_screenshots: timed out after {TIMEOUT}s waiting for {what}")


def settled(app: K9liteApp, command: str) -> bool:
    """The view has listed, shows every object, and the pods are all Running and Ready."""
    table = app.query_one(Browser).table
    if not table.loaded or table.visible_count != EXPECTED_ROWS[command]:
        return False
    rows = [tuple(table.get_row(key) or ()) for key in table.visible_keys()]
    if command == "pods":
        return all(row[1] == "1/1" and row[2] == "Running" for row in rows)
    if command == "deploy":
        return all(row[1].split("/")[0] == row[1].split("/")[1] for row in rows)
    if command == "svc":
        # my-service selects nothing (W6); the others have their endpoints and the LB its IP.
        return sum(row[5] == "<none>" for row in rows) == 1 and "<pending>" not in str(rows)
    return True


async def shoot(cluster: DemoCluster, out: Path) -> list[Path]:
    connection = load_connection(str(cluster.kubeconfig_path))
    app = K9liteApp(AppOptions(connection, "default"))
    app.animation_level = "none"
    written: list[Path] = []

    def save(name: str) -> None:
        written.append(Path(app.save_screenshot(filename=name, path=str(out))))
        print(f"wrote {written[-1]}")

    async with app.run_test(size=SIZE) as pilot:
        for command, name in (
            ("deploy", "deployments.svg"),
            ("svc", "services.svg"),
            ("no", "nodes.svg"),
            ("pods", "pods.svg"),
        ):
            app.run_command(command)
            await until(partial(settled, app, command), f"the {command} view's rows")
            app.query_one(Browser).table.move_cursor(row=0)
            await pilot.pause()
            save(name)
        app.run_command("svc")
        await until(lambda: settled(app, "svc"), "the Services again")
        app.query_one(Browser).table.move_cursor(key=W2_SERVICE)
        await pilot.press("d")
        await until(lambda: isinstance(app.screen, TextScreen), "the describe screen")
        await pilot.pause()
        save("describe-service.svg")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    # Fast kubelets, so the pods run within a second; no data plane: nothing here sends traffic.
    options = DemoOptions(pod_start_delay=0.05, pod_stop_delay=0.05, dataplane=False, seed=1)
    with DemoCluster(options) as cluster:
        asyncio.run(shoot(cluster, args.out))


if __name__ == "__main__":
    main()
