"""The one-shot commands against kubectl: `k9lite route`, `diagnose SVC`, `diagnose -A`.

Starts the demo cluster with `--pods` pods (nodes = pods / 50, 5 pods per Deployment and
Service, 500 pods per namespace: `k9lite.demo.scale`), waits until it has settled, then runs,
interleaved, `--repeat` rounds of (each a fresh process, as a user runs it):
  1. `kubectl -n scale-000 get svc,endpointslices`, with a fresh --cache-dir (discovery
     included) and with a warm one (discovery cached, as on a workstation);
  2. `k9lite route -n scale-000 app-00000`;
  3. `k9lite diagnose -n scale-000 app-00000 --no-check` (the bench pods run no web server:
     `--no-check` keeps what is measured the reading and the doctor);
  4. `kubectl get svc,endpointslices,pods -A` (warm cache) and `k9lite diagnose -A --no-check`.
`k9lite probe` has no planning-only mode (it sends its requests), so it is left out.
k9lite's bytecode is compiled first, as pip compiles a package it installs: with
PYTHONDONTWRITEBYTECODE set (as in some sandboxes) each run would compile every module afresh.
Prints medians and ratios with the goals: each one-shot <= 3x kubectl get svc,endpointslices
(warm, the stricter), diagnose -A <= 2x kubectl get svc,endpointslices,pods -A (at 50k). An
output that lacks its Service, or a command that fails, is an error (exit 1).

    python bench/oneshot.py [--pods 10000] [--repeat 5] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from demo_list import compile_package, kubectl_binary
from settled_cluster import PODS_PER_NODE, BenchError, log, wait_settled

from k9lite.demo.cluster import DemoCluster, DemoOptions
from k9lite.demo.limits import DEFAULT_MAX_PODS
from k9lite.demo.options import DemoStartError

NAMESPACE = "scale-000"
SERVICE = "app-00000"
GOAL = 3.0
GOAL_ALL = 2.0


@contextmanager
def settled_cluster(pods: int) -> Iterator[DemoCluster]:
    """A `--scale pods` demo cluster (its pod cap raised to fit) once it has settled."""
    nodes = max(2, pods // PODS_PER_NODE)
    options = DemoOptions(
        scale=pods, nodes=nodes, scenarios=(), max_pods=max(pods, DEFAULT_MAX_PODS)
    )
    try:
        cluster = DemoCluster(options)
    except DemoStartError as exc:
        raise BenchError(str(exc)) from None
    with cluster:
        seconds = wait_settled(cluster, pods, timeout=60 + pods / 100)
        log(f"settled in {seconds:.1f} s")
        yield cluster


def k9lite_command() -> list[str]:
    """The console script beside this Python (entry point included, as a user runs it)."""
    script = Path(sys.executable).with_name("k9lite")
    return [str(script)] if script.exists() else [sys.executable, "-m", "k9lite.cli"]


def commands(kubeconfig: Path, warm: Path, fresh: Path) -> dict[str, list[str]]:
    kubectl = [kubectl_binary(), "--kubeconfig", str(kubeconfig)]
    k9lite = [*k9lite_command(), "--kubeconfig", str(kubeconfig)]
    one = ("-n", NAMESPACE, "get", "svc,endpointslices")
    return {
        "kubectl (fresh cache)": [*kubectl, "--cache-dir", str(fresh), *one],
        "kubectl (warm cache)": [*kubectl, "--cache-dir", str(warm), *one],
        "k9lite route": [*k9lite, "route", "-n", NAMESPACE, SERVICE],
        "k9lite diagnose SVC": [*k9lite, "diagnose", "-n", NAMESPACE, SERVICE, "--no-check"],
        "kubectl -A": [
            *kubectl,
            *("--cache-dir", str(warm), "get", "svc,endpointslices,pods", "-A"),
        ],
        "k9lite diagnose -A": [*k9lite, "diagnose", "-A", "--no-check"],
    }


def run(name: str, command: list[str], fresh: Path) -> float:
    """Seconds `command` took; BenchError when it failed or its output lacks the Service."""
    if "fresh" in name:
        subprocess.run(["rm", "-rf", str(fresh)], check=True)
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    # diagnose exits 1 when a finding is an error (a bench Service's pods are fine: 0).
    if result.returncode not in (0, 1) or (result.returncode == 1 and "diagnose" not in name):
        raise BenchError(f"{name} exited {result.returncode}: {result.stderr.strip()[-300:]}")
    if SERVICE not in result.stdout:
        raise BenchError(f"{name} printed no {SERVICE}: {result.stdout[:300]}")
    return seconds


def report(samples: dict[str, list[float]], pods: int, repeat: int) -> str:
    median = {name: statistics.median(values) for name, values in samples.items()}
    warm, fresh = median["kubectl (warm cache)"], median["kubectl (fresh cache)"]
    lines = [f"demo cluster: {pods:,} pods; {repeat} round(s), medians"]
    lines += [f"{name}: {seconds:.3f} s" for name, seconds in median.items()]
    for name in ("k9lite route", "k9lite diagnose SVC"):
        lines.append(
            f"{name} / kubectl get svc,endpointslices = {median[name] / warm:.2f} warm, "
            f"{median[name] / fresh:.2f} fresh (goal <= {GOAL:g} warm)"
        )
    every = median["k9lite diagnose -A"] / median["kubectl -A"]
    lines.append(
        f"k9lite diagnose -A / kubectl get svc,endpointslices,pods -A = {every:.2f} "
        f"(goal <= {GOAL:g}; <= {GOAL_ALL:g} at 50k)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, help="pods in the demo cluster (default 10000)")
    parser.add_argument("--repeat", type=int, help="interleaved rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="500 pods, 1 round: a CI smoke run")
    args = parser.parse_args(argv)
    pods = args.pods if args.pods is not None else (500 if args.quick else 10_000)
    repeat = args.repeat or (1 if args.quick else 5)
    samples: dict[str, list[float]] = {}
    try:
        compile_package()
        with (
            settled_cluster(pods) as cluster,
            tempfile.TemporaryDirectory(prefix="k9lite-bench-") as tmp,
        ):
            warm, fresh = Path(tmp) / "warm", Path(tmp) / "fresh"
            runs = commands(cluster.kubeconfig_path, warm, fresh)
            run("kubectl (warm cache)", runs["kubectl (warm cache)"], fresh)  # warms the cache
            for round_ in range(repeat):
                log(f"round {round_ + 1} of {repeat}")
                for name, command in runs.items():
                    samples.setdefault(name, []).append(run(name, command, fresh))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report(samples, pods, repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
