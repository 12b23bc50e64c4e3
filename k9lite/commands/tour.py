"""`k9lite tour [FILE] [--step N]`: a demo cluster of its own, and the tour app on it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from k9lite.flag_checks import FlagError, bounded_int
from k9lite.render.literal import literal

__all__ = ["add_tour_parser", "run_tour"]


def add_tour_parser(commands: Any) -> None:
    tour = commands.add_parser(
        "tour",
        help="walk through the Services walkthroughs, step by step, on a demo cluster",
        description="A guided tour for an audience: each step narrates, changes the demo "
        "cluster (as kubectl apply) and opens the screen that shows it. n or Right: next; "
        "p or Left: back (cluster changes are not undone); Esc: leave the tour and explore.",
    )
    tour.add_argument(
        "file", metavar="FILE", nargs="?", type=Path, help="your own tour (default: the built-in)"
    )
    tour.add_argument("--step", default="1", help="start at this step (earlier changes made)")


def run_tour(args: argparse.Namespace) -> int:
    """Read the tour (one line and exit 2 when it is unusable), start its cluster, run it."""
    if args.demo or args.kubeconfig or args.context or args.scenario:
        print(
            "k9lite tour: the tour starts its own demo cluster, with the scenarios its file "
            "names; it takes no --demo, --kubeconfig, --context or --scenario",
            file=sys.stderr,
        )
        return 2
    from k9lite.tours.script import TourFileError, load_tour

    try:
        tour = load_tour(args.file)
        step = bounded_int("--step", args.step, 1, len(tour.steps), "steps")
    except (TourFileError, FlagError) as exc:
        print(f"k9lite tour: {literal(str(exc))}", file=sys.stderr)
        return 2
    # Only a tour that can run pays for the demo cluster and the app.
    from k9lite.demo.cluster import DemoCluster, DemoOptions, DemoStartError
    from k9lite.kube.config import load_connection
    from k9lite.ui.navigator import AppOptions
    from k9lite.ui.tour import TourApp

    try:
        demo = DemoCluster(DemoOptions(scenarios=tour.scenarios)).start()
    except DemoStartError as exc:
        print(f"k9lite tour: {literal(str(exc))}", file=sys.stderr)
        return 2
    try:
        connection = load_connection(str(demo.kubeconfig_path), None)
        TourApp(AppOptions(connection, "default", start_view="no"), tour, start=step - 1).run()
    finally:
        demo.stop()
    return 0
