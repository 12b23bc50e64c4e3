"""`k9lite tour [FILE] [--step N]`: a demo cluster of its own, and the tour app on it."""

from __future__ import annotations

import sys
from pathlib import Path

from k9lite.flag_checks import FlagError, bounded_int
from k9lite.render.literal import literal
from k9lite.tours.script import TourFileError, load_tour

__all__ = ["run_tour"]


def run_tour(file: Path | None, step_text: str) -> int:
    """Read the tour (one line and exit 2 when it is unusable), start its cluster, run it."""
    try:
        tour = load_tour(file)
        step = bounded_int("--step", step_text, 1, len(tour.steps), "steps")
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
