"""Write the README's screenshots: k9lite connected to a live demo cluster, one SVG per view.

    python screenshots/make_screenshots.py [--out DIR]

Screenshots come from this script, never by hand: it starts the demo cluster (default scenario,
fast pods), drives the app with `run_test` at 120x35 and at 80x24 (files `NAME-80x24.svg`) and
saves each screen once its rows are in, with a command being typed and a scale's result at
80x24; then the route (`r`) of each kind of Service, W4 and W7 from a second cluster (W7 reuses
W2's Deployment name); then a traffic test (`t`) before and after scaling, on a cluster whose
pods answer HTTP, and the logs (`l`) of a Service its requests reach.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.screen import Screen  # noqa: E402

from k9lite.demo.cluster import DemoCluster, DemoOptions  # noqa: E402
from k9lite.kube.actions import scale  # noqa: E402
from k9lite.kube.config import load_connection  # noqa: E402
from k9lite.model.selectors import LabelSelector  # noqa: E402
from k9lite.ui.app import K9liteApp  # noqa: E402
from k9lite.ui.browser import Browser  # noqa: E402
from k9lite.ui.navigator import AppOptions  # noqa: E402
from k9lite.ui.screens.logs import LogsScreen  # noqa: E402
from k9lite.ui.screens.text_screen import TextScreen  # noqa: E402
from k9lite.ui.screens.traffic import TrafficScreen  # noqa: E402
from k9lite.ui.widgets.doctor_panel import DoctorPanel  # noqa: E402
from k9lite.ui.widgets.route_panel import RoutePanel  # noqa: E402

SIZE = (120, 35)
S = TypeVar("S", bound=Screen[None])
SMALL = (80, 24)
TIMEOUT = 15.0
# The default scenario: W2, W3, W5, W6.
EXPECTED_ROWS = {"pods": 7, "deploy": 3, "svc": 5, "no": 3}
W2_SERVICE = "default/clusterip-hostname-service"
# The route of each kind of Service: (scenarios, {service key: file}).
ROUTES = (
    (
        ("default",),
        {
            W2_SERVICE: "route-clusterip.svg",
            "default/nodeport-hostname-service": "route-nodeport.svg",
            "default/svc-3": "route-loadbalancer.svg",
        },
    ),
    (
        ("w4", "w7"),
        {
            "default/local-nodeport-service": "route-nodeport-local.svg",
            "default/headless-service": "route-headless.svg",
            "default/external-service": "route-externalname.svg",
            "default/web1": "route-ingress.svg",
        },
    ),
)


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


def route_drawn(app: K9liteApp) -> bool:
    """The route screen is up and every endpoint it drew is ready (an ExternalName has none)."""
    if not isinstance(app.screen, TextScreen):
        return False
    route = app.screen.query_one(RoutePanel).route
    if route is None:
        return False
    hops = [h for lane in route.lanes for s in lane.stages if s.kind == "endpoints" for h in s.hops]
    return route.kind == "ExternalName" or (bool(hops) and all(h.health == "ok" for h in hops))


def start(cluster: DemoCluster) -> K9liteApp:
    app = K9liteApp(AppOptions(load_connection(str(cluster.kubeconfig_path)), "default"))
    app.animation_level = "none"
    return app


def suffixed(name: str, size: tuple[int, int]) -> str:
    """`pods.svg` at 120x35, `pods-80x24.svg` at any other size."""
    return name if size == SIZE else name.replace(".svg", f"-{size[0]}x{size[1]}.svg")


async def shoot(cluster: DemoCluster, out: Path, size: tuple[int, int]) -> list[Path]:
    app = start(cluster)
    written: list[Path] = []

    def save(name: str) -> None:
        filename = suffixed(name, size)
        written.append(Path(app.save_screenshot(filename=filename, path=str(out))))
        print(f"wrote {written[-1]}")

    async with app.run_test(size=size) as pilot:
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
        # W6: the doctor's finding on my-service, opened.
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, TextScreen), "the Services again")
        app.query_one(Browser).table.move_cursor(key="default/my-service")
        await pilot.press("d")
        await until(lambda: isinstance(app.screen, TextScreen), "the describe screen")
        panel = app.screen.query_one(DoctorPanel)
        await until(lambda: panel.findings, "the doctor's findings")
        panel.focus()
        await pilot.press("enter")
        await until(lambda: bool(app.screen.query("#finding")), "the opened finding")
        await pilot.pause()
        save("doctor-finding.svg")
        if size == SMALL:
            await shoot_keys(app, pilot, save)
    return written


async def shoot_keys(app: K9liteApp, pilot: Pilot[None], save: Callable[[str], None]) -> None:
    """What is typed and what it did: `:sv` on the prompt line, then a scale's result."""
    while isinstance(app.screen, TextScreen):
        await pilot.press("escape")
    await pilot.press(":", "s", "v")
    await pilot.pause()
    save("prompt.svg")
    await pilot.press("escape", ":", *"deploy", "enter")
    await until(lambda: settled(app, "deploy"), "the Deployments")
    app.query_one(Browser).table.move_cursor(key="default/hostname-server")
    await pilot.press("s", "3", "enter")
    await until(lambda: "scaled" in app.flash.text, "the scale's result")
    await pilot.pause()
    save("scaled.svg")


async def shoot_routes(cluster: DemoCluster, routes: dict[str, str], out: Path) -> list[Path]:
    app = start(cluster)
    written: list[Path] = []
    async with app.run_test(size=SIZE) as pilot:
        app.run_command("svc")
        table = app.query_one(Browser).table
        for key, name in routes.items():
            await until(lambda key=key: table.get_row(key), f"the Service {key}")
            table.move_cursor(key=key)
            await pilot.press("r")
            await until(lambda: route_drawn(app), f"the route of {key}, every endpoint ready")
            await pilot.pause()
            written.append(Path(app.save_screenshot(filename=name, path=str(out))))
            print(f"wrote {written[-1]}")
            await pilot.press("escape")
            await until(lambda: not isinstance(app.screen, TextScreen), "the Services again")
    return written


async def shoot_traffic(cluster: DemoCluster, out: Path) -> list[Path]:
    """Two runs of 300 requests through the proxy: two pods, then three after a scale."""
    app = start(cluster)
    key = "default/nodeport-hostname-service"
    written = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_traffic(app, pilot, key)
        await pilot.press("c", "ctrl+u", *"300", "enter")
        for replicas in (2, 3):
            if replicas == 3:
                scale(app.connection, "default", "hostname-server", replicas)
                await until(lambda: ready_pods(app) == 3, "three ready hostname-server pods")
            await pilot.press("space")
            await until(lambda: done(screen, 300), f"300 answers from {replicas} pods")
        await pilot.pause()
        written.append(Path(app.save_screenshot(filename="traffic.svg", path=str(out))))
    for path in written:
        print(f"wrote {path}")
    return written


async def shoot_compare(cluster: DemoCluster, out: Path) -> Path:
    """`K` at 80x24 through worker1's NodePort: one kept-alive connection stays on one pod."""
    app = start(cluster)
    key = "default/nodeport-hostname-service"
    async with app.run_test(size=SMALL) as pilot:
        await until(lambda: ready_pods(app) == 2, "two ready hostname-server pods")
        screen = await open_traffic(app, pilot, key)
        while screen.settings.via != "nodeport":
            await pilot.press("v")
        while screen.settings.node != "worker1":
            await pilot.press("n")
        await pilot.press("c", "ctrl+u", *"100", "enter", "K")
        await until(lambda: screen.previous is not None and done(screen, 100), "both runs of K")
        await pilot.pause()
        name = "traffic-compare-80x24.svg"
        written = Path(app.save_screenshot(filename=name, path=str(out)))
    print(f"wrote {written}")
    return written


async def shoot_logs(cluster: DemoCluster, out: Path) -> Path:
    """`l` at 80x24 on the ClusterIP Service while a curl loop calls it: who answered, live."""
    app = start(cluster)
    async with app.run_test(size=SMALL) as pilot:
        await until(lambda: ready_pods(app) == 2, "two ready hostname-server pods")
        screen = await open_on_service(app, pilot, W2_SERVICE, "l", LogsScreen)
        service = app.feed.state.get("services", "default", W2_SERVICE.split("/")[1])
        assert service is not None
        url = f"http://{service.cluster_ip}:8080/"
        for _ in range(12):  # a new connection each: kube-proxy spreads connections
            await asyncio.to_thread(httpx.get, url)
        await until(lambda: len(screen.buffer) >= 14, "the start lines and 12 access lines")
        await pilot.pause()
        name = "logs-service-80x24.svg"
        written = Path(app.save_screenshot(filename=name, path=str(out)))
    print(f"wrote {written}")
    return written


async def open_traffic(app: K9liteApp, pilot: Pilot[None], key: str) -> TrafficScreen:
    """`t` on the Service `key` in the Services view."""
    return await open_on_service(app, pilot, key, "t", TrafficScreen)


async def open_on_service(
    app: K9liteApp, pilot: Pilot[None], key: str, press: str, opens: type[S]
) -> S:
    """`press` on the Service `key` in the Services view; the screen it opens."""
    app.run_command("svc")
    table = app.query_one(Browser).table
    await until(lambda: table.get_row(key), f"the Service {key}")
    table.move_cursor(key=key)
    await pilot.press(press)
    await until(lambda: isinstance(app.screen, opens), f"the {opens.__name__}")
    screen = app.screen
    assert isinstance(screen, opens)
    return screen


def ready_pods(app: K9liteApp) -> int:
    pods = app.feed.state.pods_matching("default", LabelSelector.parse("app=hostname-server"))
    return sum(1 for pod in pods if pod.is_ready)


def done(screen: TrafficScreen, count: int) -> bool:
    current = screen.current
    return not screen.running and current is not None and current.tally.sent == count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    # Fast kubelets, so the pods run within a second; no data plane: nothing here sends traffic.
    options = DemoOptions(pod_start_delay=0.05, pod_stop_delay=0.05, dataplane=False, seed=1)
    for size in (SIZE, SMALL):
        with DemoCluster(options) as cluster:
            asyncio.run(shoot(cluster, args.out, size))
    for scenarios, routes in ROUTES:
        with DemoCluster(replace(options, scenarios=scenarios)) as cluster:
            asyncio.run(shoot_routes(cluster, routes, args.out))
    # The traffic test needs pods that answer: this cluster has its data plane.
    with DemoCluster(replace(options, dataplane=True)) as cluster:
        asyncio.run(shoot_traffic(cluster, args.out))
    with DemoCluster(replace(options, dataplane=True)) as cluster:
        asyncio.run(shoot_compare(cluster, args.out))
    with DemoCluster(replace(options, dataplane=True)) as cluster:
        asyncio.run(shoot_logs(cluster, args.out))


if __name__ == "__main__":
    main()
