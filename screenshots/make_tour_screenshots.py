"""Write one screenshot per step of `k9lite tour`, at 80x24, into screenshots/tour/.

    python screenshots/make_tour_screenshots.py [--out DIR] [--tour FILE]

Screenshots come from this script, never by hand: it starts the tour's demo cluster (seeded,
fast pods, its data plane on so that probes get answers), runs the tour app with `run_test` at
80x24 and presses `n` as a presenter would; each step is saved once it is on screen, and a step
that starts a probe once its requests are all answered. Files: `step-01.svg`, `step-02.svg`...
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from make_screenshots import until  # noqa: E402  (beside this script: one bounded wait)
from textual.pilot import Pilot  # noqa: E402

from k9lite.demo.cluster import DemoCluster, DemoOptions  # noqa: E402
from k9lite.kube.config import load_connection  # noqa: E402
from k9lite.tours.script import Tour, load_tour  # noqa: E402
from k9lite.ui.navigator import AppOptions  # noqa: E402
from k9lite.ui.screens.traffic import TrafficScreen  # noqa: E402
from k9lite.ui.tour import TourApp  # noqa: E402
from k9lite.ui.widgets.doctor_panel import DoctorPanel  # noqa: E402

SIZE = (80, 24)
OPTIONS = DemoOptions(pod_start_delay=0.05, pod_stop_delay=0.05, seed=1)


def shown(app: TourApp, index: int) -> bool:
    return app.step_index == index and app.step_ready


def asked(app: TourApp) -> bool:
    """Whether the doctor on screen, if any, has asked the pods."""
    return all(
        str(panel.border_subtitle).startswith("pods asked")
        for panel in app.screen.query(DoctorPanel)
    )


def probe_done(app: TourApp) -> bool:
    screen = app.screen
    return isinstance(screen, TrafficScreen) and screen.current is not None and not screen.running


async def shoot(cluster: DemoCluster, tour: Tour, out: Path) -> list[Path]:
    app = TourApp(AppOptions(load_connection(str(cluster.kubeconfig_path)), "default"), tour)
    app.animation_level = "none"
    written: list[Path] = []
    async with app.run_test(size=SIZE) as pilot:
        for index, step in enumerate(tour.steps):
            if index:
                await pilot.press("n")
            await until(partial(shown, app, index), step.title)
            if step.probe:
                await until(lambda: probe_done(app), f"the probe of {step.title!r}")
            await until(lambda: asked(app), f"the doctor of {step.title!r} to ask the pods")
            await settle(pilot)
            if app.flash.level == "error":
                raise SystemExit(f"make_tour_screenshots: step {index + 1}: {app.flash.text}")
            name = f"step-{index + 1:02d}.svg"
            written.append(Path(app.save_screenshot(filename=name, path=str(out))))
            print(f"wrote {written[-1]}")
    return written


async def settle(pilot: Pilot[None]) -> None:
    """Let the last frame (a scroll, a redraw of the bars) reach the screen."""
    await pilot.pause()
    await pilot.pause()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parent
    parser.add_argument("--out", type=Path, default=here / "tour")
    parser.add_argument("--tour", type=Path, help="a tour file (default: the built-in tour)")
    args = parser.parse_args()
    tour = load_tour(args.tour)
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in args.out.glob("step-*.svg"):
        stale.unlink()  # a shorter tour leaves no screenshots of steps it no longer has
    with DemoCluster(replace(OPTIONS, scenarios=tour.scenarios)) as cluster:
        asyncio.run(shoot(cluster, tour, args.out))


if __name__ == "__main__":
    main()
