"""Memory after loading a big demo cluster: the app and its model against `kubectl get pods -A -w`.

Starts the demo cluster (`--pods` pods, nodes = pods / 50, no scenarios; real-sized objects with
managedFields), waits until it has settled (as bench/demo_list.py), then measures, in one run:
  1. `kubectl get pods -A -w` (fresh --cache-dir): its VmRSS once it has printed every pod;
  2. the model alone, in a child process: k9lite's list-and-watch feed of every kind into a
     ClusterState (no UI). Its VmRSS after the imports and once every kind is listed, the bytes
     per pod between the two, and how long a full `gc.collect()` takes then: the pause any
     thread (the UI's among them) would take when the collector walks the loaded state;
  3. the app, in a child process (bench/tui_load.py's: headless, Pods view, all namespaces): its
     VmRSS when the first full Pods frame is shown, and its peak RSS.
Prints the figures and the ratios against kubectl -w, with the goal (app ≤ 1.2 × kubectl -w).

    python bench/model_memory.py [--pods 10000] [--quick]
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_RATIO = 1.2
LOAD_TIMEOUT = 300.0


class BenchError(Exception):
    """The benchmark could not run (a wrong count, a timeout, a child that failed...)."""


def vm_rss_mb(pid: int | str = "self") -> float:
    """The VmRSS line of /proc/PID/status, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise BenchError(f"no VmRSS for process {pid}")


# -- the model, in its own process --------------------------------------------------------------


def model_main(kubeconfig: str, pods: int) -> int:
    """The child: list and watch every kind into a ClusterState, report memory and the pause."""
    from k9lite.kube.config import load_connection
    from k9lite.kube.feed import watching
    from k9lite.model.kinds import KINDS

    connection = load_connection(kubeconfig)
    before = vm_rss_mb()
    start = time.perf_counter()
    with watching(connection, KINDS, None, timeout=LOAD_TIMEOUT) as (feed, statuses):
        loaded = time.perf_counter() - start
        missing = sorted(set(KINDS) - {k for k, s in statuses.items() if s.state == "live"})
        if missing:
            raise BenchError(f"kinds not listed: {', '.join(missing)}")
        count = len(feed.state.objects("pods"))
        after = vm_rss_mb()
        collect_start = time.perf_counter()
        gc.collect()
        collect = time.perf_counter() - collect_start
    record = {"before": before, "after": after, "pods": count, "load": loaded, "collect": collect}
    sys.stdout.write(json.dumps(record) + "\n")
    return 0 if count == pods else 1


def run_model(kubeconfig: Path, pods: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--model-child", str(kubeconfig), "--pods", str(pods)],
        capture_output=True,
        text=True,
        timeout=LOAD_TIMEOUT + 60,
    )
    if result.returncode != 0 or not result.stdout.strip():
        lines = (result.stderr.strip() or result.stdout.strip()).splitlines()
        raise BenchError(f"the model child failed: {lines[-1] if lines else result.returncode}")
    record: dict[str, float] = json.loads(result.stdout.splitlines()[-1])
    return record


# -- kubectl -w -----------------------------------------------------------------------------------


def kubectl_watch_rss(kubeconfig: Path, pods: int) -> float:
    """VmRSS (MB) of `kubectl get pods -A -w` once it has printed its header and every pod."""
    from demo_list import kubectl_binary

    with tempfile.TemporaryDirectory(prefix="k9lite-bench-kubectl-") as cache:
        watcher = subprocess.Popen(
            [kubectl_binary(), "--kubeconfig", str(kubeconfig), "--cache-dir", cache,
             "get", "pods", "-A", "-w"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            assert watcher.stdout is not None
            for _ in range(pods + 1):
                if not watcher.stdout.readline():
                    raise BenchError("kubectl -w ended before printing every pod")
            return vm_rss_mb(watcher.pid)
        finally:
            watcher.kill()
            watcher.wait()


# -- the run --------------------------------------------------------------------------------------


def report(pods: int, kubectl: float, model: dict[str, float], app_rss: float, peak: float) -> str:
    per_pod = (model["after"] - model["before"]) * 1024 * 1024 / pods
    ratio = app_rss / kubectl
    rows = [
        ("kubectl get pods -A -w: VmRSS, every pod printed", f"{kubectl:.0f} MB", "reference"),
        ("model (feed + ClusterState, no UI): VmRSS loaded", f"{model['after']:.0f} MB", ""),
        ("model: VmRSS after its imports", f"{model['before']:.0f} MB", ""),
        ("model: bytes per pod (every kind, over the imports)", f"{per_pod:,.0f} B", ""),
        ("model: list of every kind", f"{model['load']:.2f} s", ""),
        ("model: a full gc.collect() once loaded", f"{model['collect'] * 1000:.1f} ms",
         "no pause"),
        ("app: VmRSS when the full Pods frame is shown", f"{app_rss:.0f} MB",
         f"<= {GOAL_RATIO} x kubectl -w"),
        ("app: peak RSS, whole process", f"{peak:.0f} MB", ""),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    return "\n".join(
        [
            f"demo cluster: {pods:,} pods",
            "",
            *(f"  {name:<{width}}  {value:>10}  {goal}" for name, value, goal in rows),
            "",
            f"model / kubectl -w = {model['after'] / kubectl:.2f}",
            f"app / kubectl -w = {ratio:.2f} (goal {GOAL_RATIO}: "
            f"{'met' if ratio <= GOAL_RATIO else 'MISSED'})",
            f"model pods counted: {model['pods']:.0f} (cluster {pods})",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pods", type=int, help="pods in the cluster (default 10000)")
    parser.add_argument("--quick", action="store_true", help="1,000 pods")
    parser.add_argument("--model-child", metavar="KUBECONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    pods = args.pods or (1000 if args.quick else 10_000)
    if args.model_child:
        return model_main(args.model_child, pods)

    # Parent-only modules: the model child imports neither the demo cluster nor the UI.
    from demo_list import BenchError as ListError
    from demo_list import log, settled_cluster
    from tui_load import BenchError as AppError
    from tui_load import run_app

    try:
        with settled_cluster(pods) as (cluster, _, _):
            kubectl = kubectl_watch_rss(cluster.kubeconfig_path, pods)
            log(f"kubectl -w: {kubectl:.0f} MB")
            model = run_model(cluster.kubeconfig_path, pods)
            log(f"model: {model['after']:.0f} MB")
            app = run_app(cluster, "pods", pods, 0.0, None)
    except (BenchError, ListError, AppError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report(pods, kubectl, model, app.rss_populated_mb, app.peak_rss_mb))
    return 0


if __name__ == "__main__":
    sys.exit(main())
